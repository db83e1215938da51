#!/usr/bin/env bash
# scripts/demo.sh (README's first command) end to end with an edgesplit binary built already: it must exit 0, show
# the default scenario's plan and SimGrid metrics, and give every registered planner a line — its simulated figures,
# or the reason it refuses this scenario (the oracle: too many candidates).
#   tests/demo/demo_test.sh EDGESPLIT_BINARY
set -uo pipefail
cd "$(dirname "$0")/../.."
bin="$1"
out="$(EDGESPLIT_BIN="$bin" scripts/demo.sh 2>&1)"
rc=$?
fail() { echo "demo_test: $*"; echo "---- demo output ----"; echo "$out"; exit 1; }
[ "$rc" -eq 0 ] || fail "scripts/demo.sh exited $rc"
grep -q "^== the default scenario, simulated on SimGrid" <<<"$out" || fail "no SimGrid section"
planners="$("$bin" planners --json | /usr/bin/python3 -c 'import json,sys; print(" ".join(p["name"] for p in json.load(sys.stdin)))')"
[ -n "$planners" ] || fail "no planners listed"
for p in $planners; do
  if [ "$p" = oracle ]; then
    grep -q "^oracle: edgesplit: error: planner.options.max_candidates" <<<"$out" || fail "no refusal line for oracle"
  else
    grep -Eq "^$p +latency p50 +[0-9.]+ s +period +[0-9.]+ s .*\(simulated, (simgrid|analytic)\)$" <<<"$out" ||
      fail "no simulated line for $p"
  fi
done
echo "demo_test: ok ($(wc -w <<<"$planners") planners)"
