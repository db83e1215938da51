#!/usr/bin/env bash
# AWD (Taufique et al., ASP-DAC'24) on its testbed, Odroid XU4 + Raspberry Pi 4 + Jetson Nano (calibrated profiles,
# a gigabit switch and a shared 100 Mbps Wi-Fi AP, frames at the Pi 4): accuracy and throughput of AWD against partition-only, equal-split and
# accuracy-only baselines and against model-splitting planners, beside the paper's +41.52 % performance / +5.2 %
# accuracy. fps and top-1 are simulated (analytic executor; top-1 = published figures weighted by frames served);
# planning times are measured on this host.
# Build first (scripts/setup.sh); BUILD_DIR selects the tree, EXECUTOR the executor (analytic | simgrid).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib/bench_common.sh
executor="${EXECUTOR:-analytic}"
bench_start bench_awd edgesplit "executor $executor"

echo "== the planner's own predictions (cost table from the analytic executor; plan_ms measured) =="
"$build/tests/test_planners" "edgesplit::awd bench*" | grep -v -e '^Filters' -e '^===' -e '^test cases' -e '^assertions' -e '^$'

echo "== simulated sweeps =="
for s in accuracy throughput model_split; do
  rm -rf "results/awd_$s"  # a fresh run each time (the runner refuses to mix with an earlier one)
  "$bin" run "scenarios/paper/awd/sweep_$s.yaml" -j 2 --executor "$executor" -q --out "results/awd_$s"
done
mkdir -p results/paper/awd  # curated: the summary and the figure are kept in git
{
  echo "# AWD on Odroid XU4 + Pi 4 + Jetson Nano — scripts/bench_awd.sh, commit $(git rev-parse --short HEAD), executor $executor"
  echo
  /usr/bin/python3 scripts/plot_awd.py results/awd_accuracy/runs.csv results/awd_throughput/runs.csv results/paper/awd \
    results/awd_model_split/runs.csv
} | tee results/paper/awd/summary.md

echo "== adaptation: 40 frames/s, the Nano fails at 2 s, the XU4 drops to 1 GHz at 4 s (simulated) =="
"$bin" simulate scenarios/paper/awd/nano_failure.yaml --json 2>/dev/null > results/awd_nano_failure.json
"$bin" plan scenarios/paper/awd/nano_failure.yaml | sed -n 2p > results/awd_nano_failure.note  # the plan's note
/usr/bin/python3 - <<'PY'
import json
r = json.load(open("results/awd_nano_failure.json"))
print(f"status {r['status']}: {r['frames_completed']} frames completed, {r['frames_failed']} lost, "
      f"{r['throughput_fps']:.2f} fps, top-1 {r['accuracy_top1']:.2f} % over the run")
print("  t=0 s: " + open("results/awd_nano_failure.note").read().strip())
for epoch in r["provenance"]["replanning"].split(": ", 1)[1].split("; t="):
    print("  " + (epoch if epoch.startswith("t=") else "t=" + epoch))
PY
