#!/usr/bin/env bash
# Planner benchmark: every planner's wall time on VGG-16 over 4 and 8 heterogeneous stations (goal < 100 ms each;
# measured on this host) and every planner's optimality gap to the exhaustive oracle on small cases (latencies
# simulated by the analytic and the SimGrid executor on calibrated profiles). Prints two Markdown tables.
#   REPEATS=5 scripts/bench_planners.sh
set -euo pipefail
cd "$(dirname "$0")/.."
build_dir="${BUILD_DIR:-build}"
echo "bench_planners: building $build_dir/planners/bench_planners" >&2
cmake --build "$build_dir" -j "${JOBS:-2}" --target bench_planners >/dev/null
echo "bench_planners: host $(hostname), $(nproc) cores, commit $(git rev-parse --short=12 HEAD)" >&2
"$build_dir/planners/bench_planners" platforms/devices "${REPEATS:-5}"
