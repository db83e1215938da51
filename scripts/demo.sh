#!/usr/bin/env bash
# Set up and run the main job on the bundled default scenario: plan it, simulate it on SimGrid, print the metrics.
set -euo pipefail
cd "$(dirname "$0")/.."
# EDGESPLIT_BIN: an edgesplit binary built already (the demo test); no set-up then.
if [ -n "${EDGESPLIT_BIN:-}" ]; then
  bin="$EDGESPLIT_BIN"
else
  scripts/setup.sh >&2
  bin=build/edgesplit
fi
scenario=scenarios/examples/default.yaml

echo "== planners"
"$bin" planners
echo
echo "== the default scenario's plan ($scenario)"
"$bin" plan "$scenario"
echo
echo "== the default scenario, simulated on SimGrid"
"$bin" simulate "$scenario"
echo
err="$(mktemp)"
trap 'rm -f "$err"' EXIT
echo "== the same scenario under other planners (SimGrid, or the analytic executor where a plan needs it; latency / period / bytes on air / energy per inference)"
for planner in $("$bin" planners --json | /usr/bin/python3 -c 'import json,sys; print(" ".join(p["name"] for p in json.load(sys.stdin)))'); do
  # stderr apart: a planner may say something there (AWD: "the plan is replicated — using the analytic executor").
  if out=$("$bin" simulate "$scenario" --planner "$planner" --json 2>"$err"); then
    /usr/bin/python3 -c 'import json,sys; r=json.loads(sys.argv[2]); print("%-10s latency p50 %8.4f s  period %8.4f s  air %9.2f MB/frame  %8.2f J/inference  (simulated, %s)" % (sys.argv[1], r["latency_p50_s"], r["period_s"], r["bytes_on_air"]/1e6/max(r["frames_completed"],1), r["energy_per_inference_J"], r["executor"]))' "$planner" "$out"
  else
    echo "$planner: $(tail -1 "$err")"
  fi
done
