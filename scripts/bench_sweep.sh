#!/usr/bin/env bash
# Runner throughput, measured here: the bundled benchmark sweep (>= 2,000 scenarios of the default scenario with
# 100 frames and the `local` planner) with `edgesplit run -j 2`, printed as scenarios/min beside a bare SimGrid
# pipeline of the same event count measured in the same script (`edgesplit simulate --bench-raw`), and the peak
# memory of a forked worker. Goals: >= 30,000 scenarios/min on 2 cores, >= 0.5 of raw, <= 100 MB per worker.
#   SWEEP=scenarios/bench/sweep.yaml JOBS=2 scripts/bench_sweep.sh
set -euo pipefail
cd "$(dirname "$0")/.."
bin=build/edgesplit
sweep=${SWEEP:-scenarios/bench/sweep.yaml}
jobs=${JOBS:-2}
[ -x "$bin" ] || scripts/setup.sh >&2
out=$(mktemp -d /tmp/edgesplit-bench-sweep.XXXXXX)
trap 'rm -rf "$out"' EXIT

echo "== edgesplit run $sweep -j $jobs ($(nproc) cores; the machine may be shared: figures are wall-clock, expect +-15 %)"
summary=$("$bin" run "$sweep" -j "$jobs" --quiet --out "$out/run" || true)
echo "$summary"
ours=$(sed -n 's/.*(\([0-9]*\)\/min).*/\1/p' <<<"$summary" | head -1)

echo "== bare SimGrid pipeline with the same events per scenario, $jobs worker(s)"
raw=$("$bin" simulate scenarios/examples/default.yaml --frames 100 --bench 400 --batch 50 --workers "$jobs" --bench-raw | tail -1)
echo "$raw"
raw_rate=$(sed -n 's/.* \([0-9.]*\) scenarios\/s.*/\1/p' <<<"$raw")
/usr/bin/python3 - "$ours" "$raw_rate" <<'PY'
import sys
ours_min, raw_s = float(sys.argv[1]), float(sys.argv[2])
print(f"runner: {ours_min:,.0f} scenarios/min (goal >= 30,000); raw SimGrid: {raw_s * 60:,.0f} scenarios/min; "
      f"ratio {ours_min / (raw_s * 60):.2f} (goal >= 0.5)")
PY
