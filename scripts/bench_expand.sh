#!/usr/bin/env bash
# Expansion time of a 10,000-scenario sweep (100 Wi-Fi rates x 100 seeds over scenarios/examples/default.yaml):
# every point fully resolved (profiles, VGG-16, planner options) and keyed. Goal: < 1 s. Prints measured wall time.
set -euo pipefail
cd "$(dirname "$0")/.."
bin=${EDGESPLIT_BIN:-build/edgesplit}
[ -x "$bin" ] || { echo "bench_expand: build first (scripts/setup.sh)"; exit 1; }
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
/usr/bin/python3 - "$dir/sweep.yaml" "$PWD/scenarios/examples/default.yaml" <<'PY'
import sys
rates = ", ".join(f"{r} Mbps" for r in range(1, 101))
seeds = ", ".join(str(s) for s in range(1, 101))
open(sys.argv[1], "w").write(f"base: {sys.argv[2]}\ngrid:\n  platform.network.wifi.rate: [{rates}]\n  seed: [{seeds}]\n")
PY
echo "bench_expand: $($bin expand "$dir/sweep.yaml" --count) scenarios"
# Wall time depends on what else runs on the machine; CPU time (user + sys) is the cost of the expansion itself.
TIMEFORMAT='%R %U %S'
for run in 1 2 3; do
  t=$( { time "$bin" expand "$dir/sweep.yaml" --json >"$dir/out.jsonl"; } 2>&1 )
  read -r wall user sys <<<"$t"
  echo "bench_expand: run $run: $(wc -l <"$dir/out.jsonl") scenarios expanded, resolved and keyed:" \
       "wall ${wall} s, CPU $(echo "$user + $sys" | bc) s (measured; load average $(cut -d' ' -f1 /proc/loadavg) on $(nproc) cores)"
done
