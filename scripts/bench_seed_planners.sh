#!/usr/bin/env bash
# Seed planner benchmarks (timings are measured on this host; periods/latencies are simulated):
#   PICO — planning time for VGG-16 on 1..8 Raspberry Pi 4B (one core, 1 GHz, 50 Mbps) and the period/latency table
#   against the best fused scheme, under PICO's cost model and under the analytic executor.
#   DistrEdge (when built with libtorch) — LC-PSS + DDPG training time on VGG-16 × 4 providers of the paper's groups
#   DB/50 Mbps and DA/300 Mbps (a phone-class requester) and its latency against AOFL, DeepThings, CoEdge, Offload.
# Build first (scripts/setup.sh); BUILD_DIR selects the tree.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib/bench_common.sh
bench_start bench_seed_planners tests/test_planners
echo "== PICO (target: planning VGG-16 x 8 devices < 50 ms) =="
"$bin" "edgesplit::pico bench*" | grep -v -e '^Filters' -e '^===' -e '^test cases' -e '^assertions' -e '^$'
if "$bin" --list-tests "edgesplit::distredge bench*" 2>/dev/null | grep -q distredge; then
  echo "== DistrEdge (target: training VGG-16 x 4 devices <= 60 s on one core) =="
  "$bin" "edgesplit::distredge bench*" | grep -v -e '^Filters' -e '^===' -e '^test cases' -e '^assertions' -e '^$'
  # libtorch's Linear layers run on OpenBLAS, whose kernel set is fixed at load time: an AVX-512 CPU detected (or
  # forced, as this project's machine does) as Haswell runs its AVX2 kernels. Where the CPU has AVX-512, time the
  # SkylakeX kernels too.
  if grep -q avx512f /proc/cpuinfo && [ "${OPENBLAS_CORETYPE:-}" != SkylakeX ]; then
    echo "== DistrEdge with OPENBLAS_CORETYPE=SkylakeX (this CPU has AVX-512) =="
    OPENBLAS_CORETYPE=SkylakeX "$bin" "edgesplit::distredge bench*" | grep -v -e '^Filters' -e '^===' -e '^test cases' -e '^assertions' -e '^$'
  fi
else
  echo "== DistrEdge: not built (libtorch absent) =="
fi
