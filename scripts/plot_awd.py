#!/usr/bin/python3
"""AWD (ASP-DAC'24) against its baselines on the Odroid XU4 + Pi 4 + Jetson Nano platform, from the two sweeps'
runs.csv (scenarios/paper/awd/sweep_{accuracy,throughput,model_split}.yaml), per network: prints the tables and the
average gains beside the paper's +41.52 % performance / +5.2 % accuracy, writes a figure with two panels a network.

Usage: plot_awd.py ACCURACY_RUNS_CSV THROUGHPUT_RUNS_CSV OUT_DIR [MODEL_SPLIT_RUNS_CSV]
Every fps and top-1 below is simulated (top-1 is the published figure of each variant, weighted by the frames each
board served); the paper's figures are its abstract's averages (papers.md §5.1)."""
import csv
import os
import sys

PAPER_PERF_GAIN_PCT = 41.52  # abstract: average gain in performance vs state-of-the-art workload distribution
PAPER_ACC_GAIN_PCT = 5.2     # abstract: average gain in output accuracy (points or relative: not stated)
STRATEGIES = ["joint", "partition_only", "equal_split", "accuracy_only"]
LABEL = {"joint": "AWD (joint)", "partition_only": "partition-only (best fixed model)",
         "equal_split": "equal split (best fixed model)", "accuracy_only": "accuracy-only (equal shares)"}
MET = 0.95  # a run meets its throughput requirement when it completes frames at >= 95 % of the camera's rate


def read(path):
    with open(path, newline="") as f:
        rows = list(csv.DictReader(f))
    for r in rows:
        for k in ("throughput_fps", "accuracy_top1", "plan_wall_s"):
            r[k] = float(r[k])
    return rows


NET = "platform.network.wifi.rate"


def by(rows, key):
    out = {}
    for r in rows:
        out.setdefault(r[NET], {}).setdefault(float(r[key]), {})[r["planner.options.strategy"]] = r
    return {net: dict(sorted(points.items())) for net, points in out.items()}


def mean(xs):
    return sum(xs) / len(xs) if xs else float("nan")


def report(net, acc, thr, split_rows):
    print(f"# network: {net}\n")
    print("## top-1 at a throughput requirement (simulated; 'met' = completions >= 95 % of the required rate)")
    print("| required fps | " + " | ".join(LABEL[s] for s in STRATEGIES) + " |")
    print("|---" * (len(STRATEGIES) + 1) + "|")
    acc_gain = {s: [] for s in STRATEGIES[1:]}
    missed = {s: 0 for s in STRATEGIES}
    for req, row in acc.items():
        cells = []
        for s in STRATEGIES:
            r = row[s]
            met = r["throughput_fps"] >= MET * req
            missed[s] += not met
            cells.append(f"{r['accuracy_top1']:.2f} % @ {r['throughput_fps']:.1f} fps{'' if met else ' (missed)'}")
        print(f"| {req:.0f} | " + " | ".join(cells) + " |")
        a = row["joint"]
        if a["throughput_fps"] >= MET * req:
            for s in STRATEGIES[1:]:
                if row[s]["throughput_fps"] >= MET * req:
                    acc_gain[s].append(a["accuracy_top1"] - row[s]["accuracy_top1"])
    print()
    print("## throughput at an accuracy floor (simulated capacity: the camera offers more than any choice sustains)")
    print("| top-1 floor | " + " | ".join(LABEL[s] for s in STRATEGIES) + " |")
    print("|---" * (len(STRATEGIES) + 1) + "|")
    thr_gain = {s: [] for s in STRATEGIES[1:]}
    for floor, row in thr.items():
        print(f"| {floor:.0f} % | " + " | ".join(
            f"{row[s]['throughput_fps']:.1f} fps @ {row[s]['accuracy_top1']:.2f} %" for s in STRATEGIES) + " |")
        a = row["joint"]
        for s in STRATEGIES[1:]:
            b = row[s]
            if a["accuracy_top1"] >= floor - 1e-6 and b["accuracy_top1"] >= floor - 1e-6:
                thr_gain[s].append(100 * (a["throughput_fps"] / b["throughput_fps"] - 1))
    print()
    if split_rows:
        print("## model-splitting planners, MobileNet-V1 1.0/224 (70.9 %), 8-bit transfers (simulated capacity)")
        best = max(split_rows, key=lambda r: float(r["throughput_fps"]))
        print(", ".join(f"{r['planner.name']} {float(r['throughput_fps']):.1f} fps" for r in split_rows))
        awd70 = thr.get(70.0, {}).get("joint")
        if awd70:
            print(f"AWD at a 70 % floor: {awd70['throughput_fps']:.1f} fps at {awd70['accuracy_top1']:.2f} % "
                  f"({100 * (awd70['throughput_fps'] / float(best['throughput_fps']) - 1):+.0f} % over {best['planner.name']})")
        print()
    print("## average gains of AWD (simulated) beside the paper's (ASP-DAC'24 abstract)")
    print("| against | throughput at equal accuracy floor | top-1 at equal throughput requirement | requirements the "
          "baseline missed (AWD missed) |")
    print("|---|---|---|---|")
    for s in STRATEGIES[1:]:
        print(f"| {LABEL[s]} | {mean(thr_gain[s]):+.1f} % (over {len(thr_gain[s])} floors) | "
              f"{mean(acc_gain[s]):+.2f} points (over {len(acc_gain[s])} requirements) | "
              f"{missed[s]} of {len(acc)} ({missed['joint']}) |")
    print(f"| paper: 'state-of-the-art workload distribution strategies' | +{PAPER_PERF_GAIN_PCT} % performance | "
          f"+{PAPER_ACC_GAIN_PCT} % accuracy | — |")
    print()


def main():
    if len(sys.argv) not in (4, 5):
        sys.exit(__doc__)
    acc_rows, thr_rows = read(sys.argv[1]), read(sys.argv[2])
    out_dir = sys.argv[3]
    split = []
    if len(sys.argv) == 5:
        with open(sys.argv[4], newline="") as f:
            split = list(csv.DictReader(f))
    os.makedirs(out_dir, exist_ok=True)
    acc, thr = by(acc_rows, "planner.options.required_fps"), by(thr_rows, "planner.options.accuracy_floor")
    nets = list(acc)
    for net in nets:
        report(net, acc[net], thr[net], [r for r in split if r[NET] == net])
    plan_ms = [r["plan_wall_s"] * 1e3 for r in acc_rows + thr_rows if r["planner.options.strategy"] == "joint"]
    print(f"AWD planning time (measured, wall, per scenario, 16 variants x 3 boards): median "
          f"{sorted(plan_ms)[len(plan_ms) // 2]:.2f} ms, max {max(plan_ms):.2f} ms")

    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        print("matplotlib not available: no figure")
        return
    fig, axes = plt.subplots(len(nets), 2, figsize=(11, 4 * len(nets)), squeeze=False)
    for i, net in enumerate(nets):
        ax1, ax2 = axes[i]
        for s in STRATEGIES:
            xs = [req for req, row in acc[net].items() if row[s]["throughput_fps"] >= MET * req]
            ax1.plot(xs, [acc[net][x][s]["accuracy_top1"] for x in xs], marker="o", label=LABEL[s])
            ax2.plot(list(thr[net]), [thr[net][f][s]["throughput_fps"] for f in thr[net]], marker="o", label=LABEL[s])
        ax1.set_xlabel("required throughput (frames/s)")
        ax1.set_ylabel("workload-weighted top-1 (%)")
        ax1.set_title(f"{net}: top-1 at a throughput requirement (met only)", fontsize=10)
        ax2.set_xlabel("top-1 floor (%)")
        ax2.set_ylabel("throughput (frames/s)")
        ax2.set_title(f"{net}: throughput at an accuracy floor", fontsize=10)
        ax1.legend(fontsize=8)
    fig.suptitle(f"AWD on Odroid XU4 + Pi 4 + Jetson Nano (simulated); paper: +{PAPER_PERF_GAIN_PCT} % performance, "
                 f"+{PAPER_ACC_GAIN_PCT} % accuracy vs SotA", fontsize=10)
    fig.tight_layout()
    path = os.path.join(out_dir, "awd.png")
    fig.savefig(path, dpi=110)
    print(f"wrote {path}")


if __name__ == "__main__":
    main()
