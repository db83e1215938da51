#!/usr/bin/env bash
# HALP (Li, Iosifidis, Zhang, ICC'22; prototype Dong et al., EW'22, arXiv 2211.13778) on three Raspberry Pi 4 on one
# Wi-Fi AP (calibrated profiles rpi4b and rpi4b_pico): VGG-16 speed-up over one Pi 4 beside the paper's 1.7x and
# MoDNN's, MobileNet-V1 latency per variant stand-alone vs HALP, and service reliability of HALP + dynamic model
# selection against stand-alone computation over a bandwidth trace. Latencies, reliability and top-1 are simulated
# (analytic executor, and SimGrid with the shared air for VGG-16); planning times are measured on this host.
# Build first (scripts/setup.sh); BUILD_DIR selects the tree.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib/bench_common.sh
bench_start bench_halp edgesplit

echo "== the planner's own predictions (simulated, analytic executor) and planning times (measured) =="
"$build/tests/test_planners" "edgesplit::halp bench*" | grep -v -e '^Filters' -e '^===' -e '^test cases' -e '^assertions' \
  | tee results/halp_bench_predictions.md

echo "== simulated sweeps =="
for ex in analytic simgrid; do
  rm -rf "results/halp_vgg16_$ex"  # a fresh run each time (the runner refuses to mix with an earlier one)
  "$bin" run scenarios/paper/halp/sweep_vgg16.yaml -j 2 --executor "$ex" -q --out "results/halp_vgg16_$ex"
done
rm -rf results/halp_selection
"$bin" run scenarios/paper/halp/sweep_selection.yaml -j 2 --executor analytic -q --out results/halp_selection

mkdir -p results/paper/halp  # curated: the summary and the figure are kept in git
{
  echo "# HALP on three Raspberry Pi 4 — scripts/bench_halp.sh, commit $(git rev-parse --short HEAD)"
  echo
  /usr/bin/python3 scripts/plot_halp.py results/halp_vgg16_analytic/runs.csv results/halp_vgg16_simgrid/runs.csv \
    results/halp_selection/runs.csv results/paper/halp
  echo
  echo "# the planner's own predictions (tests/planners/halp_test.cpp, 'edgesplit::halp bench')"
  echo
  cat results/halp_bench_predictions.md
} | tee results/paper/halp/summary.md

echo "== one run of the trace (deadline 250 ms): what the planner chose at each rate change (simulated) =="
"$bin" simulate scenarios/paper/halp/pi4_mobilenet_trace.yaml --json 2>/dev/null > results/halp_trace.json
/usr/bin/python3 - <<'PY'
import json
r = json.load(open("results/halp_trace.json"))
print(f"status {r['status']}: {r['frames_completed']} frames, reliability {100 * r['deadline_hit_rate']:.1f} % within "
      f"{1e3 * r['deadline_s']:.0f} ms, top-1 {r['accuracy_top1']:.2f} % over the run, latency max {1e3 * r['latency_max_s']:.1f} ms")
for epoch in r["provenance"]["replanning"].split(": ", 1)[1].split("; t="):
    e = epoch if epoch.startswith("t=") else "t=" + epoch
    head, _, sel = e.partition("; selected ")
    print("  " + head.split(":")[0] + ": " + sel.split(" (")[0] + ", " + head.split("latency ")[-1] if sel else "  " + e)
PY
