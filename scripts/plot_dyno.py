#!/usr/bin/python3
"""DynO (Almeida et al., ACM TECS 2022) over the cloud uplink's bandwidth, from the runs.jsonl of
scenarios/paper/dyno/sweep.yaml: per model, the split and bit-width DynO chose at each bandwidth, its bytes per
frame against the float32 upload, and its throughput against device-only, cloud-only (float32 and 8-bit image) and
Neurosurgeon; then the headline ratios beside the abstract's (> 10x vs device-only, up to 7.9x vs offloading, up to
60x less data). Writes one figure with a column per model.

Usage: plot_dyno.py RUNS_JSONL OUT_DIR
Throughputs and latencies are simulated (the sweep's executor); split, bits and bytes come from DynO's plan note
(the TaskGraph's exact packed bytes); top-1 is the published figure minus the calibrated precision-sensitivity drop."""
import json
import os
import re
import sys

PAPER = {"vs_local": 10.0, "vs_offload": 7.9, "less_data": 60.0}  # abstract (papers.md §2.1, [A])
LABEL = {"dyno": "DynO", "local": "device-only", "cloud": "cloud-only (float32)", "cloud8": "cloud-only (8-bit image)",
         "neurosurgeon": "Neurosurgeon (float32 split)"}
ORDER = ["dyno", "local", "cloud", "cloud8", "neurosurgeon"]


def mbps(text):
    v, unit = text.split()
    return float(v) * {"Mbps": 1, "Gbps": 1000, "kbps": 1e-3}[unit]


def kind(row):
    p = row["planner"]
    if p == "cloud" and "input_bits: 8" in row["swept"]["planner"]:
        return "cloud8"
    return p


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    rows = [json.loads(line) for line in open(sys.argv[1])]
    out = sys.argv[2]
    data = {}  # model -> bw -> kind -> row
    for r in rows:
        if r["result"]["status"] != "ok":
            print(f"# point {r['index']} {r['swept']}: {r['result']['status']} {r['result'].get('error', '')}")
            continue
        data.setdefault(r["swept"]["model"], {}).setdefault(mbps(r["swept"]["platform.network.cloud.bandwidth"]), {})[kind(r)] = r
    executor = rows[0]["result"]["executor"] if rows else "?"

    best = {"vs_local": (0, ""), "vs_offload": (0, ""), "less_data": (0, "")}
    for model, by_bw in data.items():
        print(f"## {model}: DynO's choice over the cloud uplink (throughput simulated, {executor} executor)\n")
        print("| uplink | DynO split | bits | B/frame (vs float32 upload) | top-1 % | DynO fps | device-only | "
              "cloud f32 | cloud 8-bit | Neurosurgeon | DynO / best other |")
        print("|---" * 11 + "|")
        for bw, k in sorted(by_bw.items()):
            d = k["dyno"]
            note = d["plan_note"]
            split = re.match(r"split ([^,]*)", note)
            bits = re.search(r", (\d+) bits;", note)
            nbytes = re.search(r"(\d+) B/frame vs float32 upload (\d+) B", note)
            sent = int(nbytes.group(1)) if nbytes else 0
            f32 = int(nbytes.group(2)) if nbytes else 0
            fps = {x: k[x]["result"]["throughput_fps"] for x in ORDER if x in k}
            others = {x: v for x, v in fps.items() if x != "dyno"}
            best_other = max(others, key=others.get)
            print(f"| {bw:g} Mbps | {split.group(1) if split else '?'} | {bits.group(1) if bits else '?'} | "
                  f"{sent} ({f32 / sent:.1f}× less)" if sent else f"| {bw:g} Mbps | {split.group(1) if split else '?'} | "
                  f"{bits.group(1) if bits else '?'} | 0 (on the device)", end="")
            print(f" | {d['result']['accuracy_top1']:.2f} | {fps['dyno']:.2f} | " +
                  " | ".join(f"{fps.get(x, float('nan')):.2f}" for x in ORDER[1:]) +
                  f" | {fps['dyno'] / others[best_other]:.2f}× ({LABEL[best_other]}) |")
            ratios = {"vs_local": fps["dyno"] / fps["local"],
                      "vs_offload": fps["dyno"] / max(fps[x] for x in ("cloud", "cloud8", "neurosurgeon")),
                      "less_data": f32 / sent if sent else 0}
            for key, v in ratios.items():
                if v > best[key][0]:
                    best[key] = (v, f"{model} at {bw:g} Mbps")
        print()
    print("## headline ratios: ours (max over the grid) vs DynO's abstract\n")
    print(f"- throughput vs device-only: {best['vs_local'][0]:.1f}× ({best['vs_local'][1]}); paper > {PAPER['vs_local']:g}×")
    print(f"- throughput vs the best offloading baseline (cloud-only f32 / 8-bit, Neurosurgeon): {best['vs_offload'][0]:.2f}× "
          f"({best['vs_offload'][1]}); paper up to {PAPER['vs_offload']:g}×")
    print(f"- bytes vs the float32 upload: {best['less_data'][0]:.1f}× less ({best['less_data'][1]}); paper up to "
          f"{PAPER['less_data']:g}× less")
    print("  (the paper's baselines, devices and networks are not known to us: ratios are bounds of our own grid, "
          "papers.md §8.3)")

    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    os.makedirs(out, exist_ok=True)
    models = list(data)
    fig, axes = plt.subplots(2, len(models), figsize=(5 * len(models), 7.5), squeeze=False)
    for c, model in enumerate(models):
        bws = sorted(data[model])
        ax = axes[0][c]
        for x in ORDER:
            ax.plot(bws, [data[model][b][x]["result"]["throughput_fps"] if x in data[model][b] else float("nan")
                          for b in bws], marker="o" if x == "dyno" else ".", label=LABEL[x],
                    linewidth=2.5 if x == "dyno" else 1)
        ax.set_xscale("log")
        ax.set_yscale("log")
        ax.set_title(f"{model}: throughput (simulated)")
        ax.set_xlabel("cloud uplink, Mbps")
        ax.set_ylabel("frames / s")
        ax.grid(True, which="both", alpha=0.3)
        ax = axes[1][c]
        bits, sent = [], []
        for b in bws:
            note = data[model][b]["dyno"]["plan_note"]
            m = re.search(r", (\d+) bits;", note)
            n = re.search(r"(\d+) B/frame vs float32 upload (\d+) B", note)
            bits.append(int(m.group(1)) if m and n else float("nan"))
            sent.append(int(n.group(1)) if n else float("nan"))
        ax.plot(bws, sent, marker="o", color="C0", label="DynO bytes / frame")
        f32 = [int(re.search(r"float32 upload (\d+) B", data[model][b]["dyno"]["plan_note"]).group(1))
               for b in bws if "float32 upload" in data[model][b]["dyno"]["plan_note"]]
        if f32:
            ax.axhline(f32[0], color="grey", linestyle="--", label="float32 upload")
        ax.set_xscale("log")
        ax.set_yscale("log")
        ax.set_xlabel("cloud uplink, Mbps")
        ax.set_ylabel("bytes per frame")
        ax.set_title(f"{model}: DynO bytes/frame (bits; gap = all on device)", fontsize=10)
        ax.set_xlim(axes[0][c].get_xlim())
        for b, s, k in zip(bws, sent, bits):
            if s == s:
                ax.annotate(f"{k}b", (b, s), textcoords="offset points", xytext=(0, 6), ha="center", fontsize=8)
        ax.grid(True, which="both", alpha=0.3)
    axes[0][0].legend(fontsize=8)
    axes[1][0].legend(fontsize=8)
    fig.tight_layout()
    path = os.path.join(out, "dyno.png")
    fig.savefig(path, dpi=110)
    print(f"\nfigure: {path}")


if __name__ == "__main__":
    main()
