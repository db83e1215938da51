#!/usr/bin/env bash
# DynO (Almeida et al., ACM TECS 2022) on a Raspberry Pi 4 + cloud GPU over the cloud uplink's bandwidth: the split and
# bit-width it picks, bytes per frame against the float32 upload, and throughput against device-only, cloud-only and
# Neurosurgeon, beside the abstract's headline ratios. Throughputs are simulated (analytic executor by default; DynO is
# adaptive, so it runs there anyway when the scenario has dynamics); planning times are measured on this host.
# Build first (scripts/setup.sh); BUILD_DIR selects the tree, EXECUTOR the executor (analytic | simgrid).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib/bench_common.sh
executor="${EXECUTOR:-analytic}"
bench_start bench_dyno edgesplit "executor $executor"

rm -rf results/dyno_bandwidth  # a fresh run each time (the runner refuses to mix with an earlier one)
"$bin" run scenarios/paper/dyno/sweep.yaml -j 2 --executor "$executor" -q --out results/dyno_bandwidth || true
mkdir -p results/paper/dyno  # curated: the summary and the figure are kept in git
{
  echo "# DynO on Raspberry Pi 4 + cloud GPU — scripts/bench_dyno.sh, commit $(git rev-parse --short HEAD), executor $executor"
  echo
  /usr/bin/python3 scripts/plot_dyno.py results/dyno_bandwidth/runs.jsonl results/paper/dyno
  echo
  /usr/bin/python3 - <<'PY'
import json, statistics
rows = [json.loads(l) for l in open("results/dyno_bandwidth/runs.jsonl")]
t = [r["plan_wall_s"] * 1e3 for r in rows if r["planner"] == "dyno"]
print(f"DynO planning time (measured, wall, in the sweep's workers): median {statistics.median(t):.2f} ms, "
      f"max {max(t):.2f} ms over {len(t)} plans")
PY
} | tee results/paper/dyno/summary.md
