#!/usr/bin/python3
"""Emulator (measured) against SimGrid executor (simulated): latency p50 and throughput per plan, one marker per
network mode, from results/validation/runs.csv (scripts/validate_emulator.sh).

    scripts/plot_validation.py [RUNS_CSV] [OUT_PNG]
"""
import csv
import sys

import matplotlib
matplotlib.use("Agg")
import matplotlib.pyplot as plt

runs = sys.argv[1] if len(sys.argv) > 1 else "results/validation/runs.csv"
png = sys.argv[2] if len(sys.argv) > 2 else "results/validation/validation.png"

by = {}
for r in csv.DictReader(open(runs)):
    by.setdefault((r["scenario"], r["net"]), {})[r["executor"]] = r

fig, axes = plt.subplots(1, 2, figsize=(11, 5))
panels = [("latency_p50_s", "latency p50 [s]"), ("throughput_fps", "throughput [frames/s]")]
style = {"netns": dict(marker="o", color="tab:blue"), "pace": dict(marker="s", color="tab:orange", fillstyle="none")}
for ax, (key, label) in zip(axes, panels):
    lo, hi = float("inf"), 0.0
    for net in sorted({n for _, n in by}):
        xs, ys = [], []
        for (name, n), d in sorted(by.items()):
            if n != net or "emulator" not in d or "simgrid" not in d:
                continue
            xs.append(float(d["simgrid"][key]))
            ys.append(float(d["emulator"][key]))
        if not xs:
            continue
        lo, hi = min(lo, *xs, *ys), max(hi, *xs, *ys)
        ax.plot(xs, ys, linestyle="none", markersize=7, label=f"--net {net} ({len(xs)} plans)", **style.get(net, {}))
    if hi <= 0:
        continue
    lo, hi = lo / 1.3, hi * 1.3
    ax.plot([lo, hi], [lo, hi], color="black", linewidth=0.8, label="measured = simulated")
    for band, ls in ((0.03, "--"), (0.08, ":")):
        ax.plot([lo, hi], [lo * (1 + band), hi * (1 + band)], color="grey", linestyle=ls, linewidth=0.8,
                label=f"±{band:.0%}")
        ax.plot([lo, hi], [lo * (1 - band), hi * (1 - band)], color="grey", linestyle=ls, linewidth=0.8)
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlim(lo, hi)
    ax.set_ylim(lo, hi)
    ax.set_xlabel(f"simulated {label} (SimGrid executor)")
    ax.set_ylabel(f"measured {label} (emulator)")
    ax.grid(True, which="both", alpha=0.3)
    ax.legend(fontsize=8, loc="upper left")
fig.suptitle("edgesplit emulator vs simulator, same plans and platform (results/validation/runs.csv)")
fig.tight_layout()
fig.savefig(png, dpi=110)
print(f"plot_validation: wrote {png}")
