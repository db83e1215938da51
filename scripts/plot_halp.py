#!/usr/bin/python3
"""HALP (ICC'22; prototype EW'22, arXiv 2211.13778) on three Raspberry Pi 4, from the sweeps' runs.csv
(scenarios/paper/halp/sweep_vgg16.yaml on both executors, sweep_selection.yaml): prints the tables and writes one
figure — VGG-16 speed-up over one Pi 4 against the Wi-Fi rate with the paper's 1.7x beside it (and MoDNN's), service
reliability and top-1 over a bandwidth trace against the deadline.

Usage: plot_halp.py VGG_ANALYTIC_RUNS_CSV VGG_SIMGRID_RUNS_CSV SELECTION_RUNS_CSV OUT_DIR
Every latency, reliability and top-1 below is simulated (top-1 is the published TF-slim figure of the variant each frame
ran, averaged over the frames); planning times are measured (plan_wall_s). The paper's figure is its abstract's
(papers.md §3.1)."""
import csv
import os
import sys

PAPER_SPEEDUP = 1.7  # prototype abstract: "HALP achieves 1.7x inference acceleration for VGG-16" on three Pi 4
PROFILE = "platform.devices.*.profile"
RATE = "platform.network.wifi.rate"
PROFILE_LABEL = {"rpi4b": "Pi 4, ncnn 4 threads (rpi4b)", "rpi4b_pico": "Pi 4, LibTorch 1 core (rpi4b_pico)"}
STRATEGIES = [("halp", "mobilenet_v1", "HALP + model selection"),
              ("standalone", "mobilenet_v1", "stand-alone + model selection"),
              ("halp", '""', "HALP, MobileNet-V1 1.0/224"),
              ("standalone", '""', "stand-alone, MobileNet-V1 1.0/224")]


def read(path):
    with open(path, newline="") as f:
        return list(csv.DictReader(f))


def mbps(text):
    v, unit = text.split()
    return float(v) * (1000.0 if unit == "Gbps" else 1.0)


def speedups(rows):
    """{profile: {rate Mbps: {planner: latency s}}}"""
    out = {}
    for r in rows:
        if r["status"] != "ok":
            continue
        out.setdefault(r[PROFILE], {}).setdefault(mbps(r[RATE]), {})[r["planner.name"]] = float(r["latency_mean_s"])
    return {p: dict(sorted(v.items())) for p, v in out.items()}


def main():
    if len(sys.argv) != 5:
        sys.exit(__doc__)
    analytic, simgrid = speedups(read(sys.argv[1])), speedups(read(sys.argv[2]))
    sel_rows = read(sys.argv[3])
    out_dir = sys.argv[4]
    os.makedirs(out_dir, exist_ok=True)
    vgg_plan_ms = [float(r["plan_wall_s"]) * 1e3 for r in read(sys.argv[1]) if r["planner.name"] == "halp"]

    print("## VGG-16 on three Raspberry Pi 4: speed-up over one Pi 4 (simulated; paper: 1.7x)")
    print("| Pi 4 software | Wi-Fi per station | local s | HALP s (analytic / SimGrid) | HALP speed-up (analytic / "
          "SimGrid) | MoDNN s (analytic / SimGrid) | MoDNN speed-up (analytic / SimGrid) |")
    print("|---|---|---|---|---|---|---|")
    for prof, by_rate in analytic.items():
        for rate, lat in by_rate.items():
            sg = simgrid.get(prof, {}).get(rate, {})
            loc = lat["local"]
            cells = [f"{lat['halp']:.3f} / {sg.get('halp', float('nan')):.3f}",
                     f"{loc / lat['halp']:.2f}x / {loc / sg.get('halp', float('nan')):.2f}x",
                     f"{lat['modnn']:.3f} / {sg.get('modnn', float('nan')):.3f}",
                     f"{loc / lat['modnn']:.2f}x / {loc / sg.get('modnn', float('nan')):.2f}x"]
            print(f"| {PROFILE_LABEL.get(prof, prof)} | {rate:g} Mbps | {loc:.3f} | " + " | ".join(cells) + " |")
    print(f"| paper (prototype, three Pi 4, link not stated) | — | — | — | {PAPER_SPEEDUP}x | — | — |")
    print()
    print(f"HALP planning time for VGG-16 (measured, wall, per scenario, blocks auto): median "
          f"{sorted(vgg_plan_ms)[len(vgg_plan_ms) // 2]:.0f} ms, max {max(vgg_plan_ms):.0f} ms")
    print()

    sel = {}
    for r in sel_rows:
        key = (r["planner.options.mode"], r["planner.options.variants"] or '""')
        d = float(r["deadline_s"])
        sel.setdefault(key, {})[d] = r
    deadlines = sorted({float(r["deadline_s"]) for r in sel_rows})
    print("## service reliability over the bandwidth trace (100/200/50/25/100/50/200/25 Mbps, 5 s each, 2 frames/s; "
          "Pi 4 LibTorch 1 core; simulated)")
    print("share of the 80 frames within the deadline, and top-1 over the frames (published figures of what ran)")
    print("| strategy | " + " | ".join(f"{d * 1e3:.0f} ms" for d in deadlines) + " |")
    print("|---" * (len(deadlines) + 1) + "|")
    for mode, variants, label in STRATEGIES:
        row = sel.get((mode, variants), {})
        cells = []
        for d in deadlines:
            r = row.get(d)
            cells.append("—" if r is None else f"{100 * float(r['deadline_hit_rate']):.0f} % @ {float(r['accuracy_top1']):.2f} %")
        print(f"| {label} | " + " | ".join(cells) + " |")
    sel_ms = [float(r["plan_wall_s"]) * 1e3 for r in sel_rows
              if r["planner.options.mode"] == "halp" and r["planner.options.variants"] == "mobilenet_v1"]
    if sel_ms:
        print(f"\nHALP + model selection planning time (measured, wall, first plan of each scenario; the runner "
              f"re-plans at each of the 7 rate changes): median {sorted(sel_ms)[len(sel_ms) // 2]:.0f} ms, "
              f"max {max(sel_ms):.0f} ms")

    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        print("matplotlib not available: no figure")
        return
    fig, (ax1, ax2, ax3) = plt.subplots(1, 3, figsize=(16, 5.6))
    for prof, by_rate in analytic.items():
        rates = list(by_rate)
        lab = PROFILE_LABEL.get(prof, prof)
        ax1.plot(rates, [by_rate[x]["local"] / by_rate[x]["halp"] for x in rates], marker="o",
                 label=f"HALP, {lab} (analytic)")
        sg = simgrid.get(prof, {})
        xs = [x for x in rates if x in sg]
        ax1.plot(xs, [sg[x]["local"] / sg[x]["halp"] for x in xs], marker="s", linestyle="--",
                 label=f"HALP, {lab} (SimGrid, shared air)")
        ax1.plot(xs, [sg[x]["local"] / sg[x]["modnn"] for x in xs], marker="^", linestyle=":",
                 label=f"MoDNN, {lab} (SimGrid)")
    ax1.axhline(PAPER_SPEEDUP, color="black", linewidth=1)
    ax1.text(25, PAPER_SPEEDUP + 0.05, "paper (prototype): 1.7x", fontsize=8)
    ax1.set_xscale("log")
    ax1.set_xlabel("Wi-Fi rate per station (Mbps)")
    ax1.set_ylabel("speed-up over one Pi 4")
    ax1.set_title("VGG-16 on three Pi 4 (simulated)", fontsize=10)
    ax1.set_ylim(0, 3.1)
    ax1.legend(fontsize=6.5, loc="upper center", bbox_to_anchor=(0.5, -0.16), ncol=2)
    styles = {0: dict(marker="o", linewidth=3, alpha=0.6), 1: dict(marker="s", linestyle="--"),
              2: dict(marker="^"), 3: dict(marker="v", linestyle=":")}  # the two selections overlap at 100 %
    for i, (mode, variants, label) in enumerate(STRATEGIES):
        row = sel.get((mode, variants), {})
        ds = [d for d in deadlines if d in row]
        ax2.plot([d * 1e3 for d in ds], [100 * float(row[d]["deadline_hit_rate"]) for d in ds], label=label, **styles[i])
        ax3.plot([d * 1e3 for d in ds], [float(row[d]["accuracy_top1"]) for d in ds], label=label, **styles[i])
    ax2.set_xlabel("deadline (ms)")
    ax2.set_ylabel("service reliability (% of frames within the deadline)")
    ax2.set_title("MobileNet-V1 over a bandwidth trace (simulated)", fontsize=10)
    ax2.legend(fontsize=7, loc="upper center", bbox_to_anchor=(0.5, -0.16), ncol=2)
    ax3.set_xlabel("deadline (ms)")
    ax3.set_ylabel("top-1 of what ran, over the frames (%)")
    ax3.set_title("accuracy paid for it (published top-1)", fontsize=10)
    fig.suptitle("HALP on three Raspberry Pi 4 (Wi-Fi, 1 ms per air hop); paper: 1.7x for VGG-16, model selection "
                 "+ HALP improves service reliability over stand-alone computation", fontsize=10)
    fig.tight_layout()
    path = os.path.join(out_dir, "halp.png")
    fig.savefig(path, dpi=110)
    print(f"wrote {path}")


if __name__ == "__main__":
    main()
