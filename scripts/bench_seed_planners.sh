#!/usr/bin/env bash
# Seed planner benchmarks (timings are measured on this host; periods/latencies are simulated):
#   PICO — planning time for VGG-16 on 1..8 Raspberry Pi 4B (one core, 1 GHz, 50 Mbps) and the period/latency table
#   against the best fused scheme, under PICO's cost model and under the analytic executor.
#   DistrEdge (when built with libtorch) — LC-PSS + DDPG training time on VGG-16 × 4 heterogeneous Jetsons/Pi and
#   its latency against the `even` baseline.
# Build first (scripts/setup.sh); BUILD_DIR selects the tree.
set -euo pipefail
cd "$(dirname "$0")/.."
build="${BUILD_DIR:-build}"
bin="$build/tests/test_planners"
[ -x "$bin" ] || { echo "bench_seed_planners: $bin not built (run scripts/setup.sh)"; exit 1; }
echo "bench_seed_planners: $(nproc) cores on $(hostname), commit $(git rev-parse --short HEAD)"
echo "== PICO (target: planning VGG-16 x 8 devices < 50 ms) =="
"$bin" "edgesplit::pico bench*" | grep -v -e '^Filters' -e '^===' -e '^test cases' -e '^assertions' -e '^$'
if "$bin" --list-tests "edgesplit::distredge bench*" 2>/dev/null | grep -q distredge; then
  echo "== DistrEdge (target: training VGG-16 x 4 devices <= 60 s on one core) =="
  "$bin" "edgesplit::distredge bench*" | grep -v -e '^Filters' -e '^===' -e '^test cases' -e '^assertions' -e '^$'
else
  echo "== DistrEdge: not built (libtorch absent) =="
fi
