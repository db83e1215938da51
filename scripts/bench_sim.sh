#!/usr/bin/env bash
# Simulator speed, measured here: SimGrid-executor scenarios/s on the default scenario (100 frames) with 1 and 2
# forked workers, beside a bare SimGrid pipeline of the same events run in the same script (goal: >= 0.5 of raw);
# then analytic evaluations/s of VGG-16 on the default platform's 4 stations (goal: >= 1 M/s/core).
#   BENCH_SCENARIOS=400 scripts/bench_sim.sh
set -euo pipefail
cd "$(dirname "$0")/.."
bin=build/edgesplit
scenario=${SCENARIO:-scenarios/examples/default.yaml}
n=${BENCH_SCENARIOS:-200}
[ -x "$bin" ] || scripts/setup.sh >&2

rate() { sed -n 's/.* \([0-9.]*\) scenarios\/s.*/\1/p' <<<"$1"; }

for planner in "" even; do
  label=${planner:-"the scenario's planner"}
  args=(simulate "$scenario" --frames 100 --bench "$n" --batch 50)
  [ -n "$planner" ] && args+=(--planner "$planner")
  echo "== $label: $n scenarios of 100 frames (wall time measured on $(nproc) cores; machine shared, expect ±15 %)"
  one=$("$bin" "${args[@]}" --workers 1 --bench-raw)
  echo "$one"
  two=$("$bin" "${args[@]}" --workers 2)
  echo "$two"
  ours=$(rate "$(head -1 <<<"$one")"); raw=$(rate "$(tail -1 <<<"$one")"); ours2=$(rate "$two")
  /usr/bin/python3 -c "print(f'ratio executor/raw (1 worker): {$ours/$raw:.2f} (goal >= 0.5); 2 workers / 1 worker: {$ours2/$ours:.2f}')"
done

echo "== analytic evaluator, VGG-16 on the default platform's 4 stations (one core)"
"$bin" simulate "$scenario" --planner even --bench 1 --bench-analytic 200000 | tail -1
echo "   (per-layer even split: every layer a stage, 4 bands, gathered via the requester)"
# The fused variant: one banded stage plus the classifier — the shape most planners' candidates take.
"$bin" simulate "$scenario" --planner even --planner-options '{"fused": true}' --bench 1 --bench-analytic 2000000 | tail -1
echo "   (fused even split: conv1_1..pool5 in 4 row bands with halos, fc6..fc8 on the requester)"
