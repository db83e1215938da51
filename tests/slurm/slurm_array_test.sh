#!/usr/bin/env bash
# ctest label `slurm`: a real single-node Slurm (munge + slurmctld + slurmd) in a temporary directory runs a sweep as
# an array job plus a dependent merge job (scripts/slurm/submit.sh); the merged runs.csv must equal a local run's,
# wall-time columns aside. Daemons are stopped by PID afterwards. Exit 77 (skipped, with the reason) when not root.
set -euo pipefail
bin=${1:?usage: slurm_array_test.sh EDGESPLIT_BINARY}
root=$(cd "$(dirname "$0")/../.." && pwd)
sweep=$root/tests/data/runner/sweep.yaml
if [ "$(id -u)" -ne 0 ]; then echo "SKIP: the Slurm test needs root (slurmd, munged as user munge)"; exit 77; fi

work=$(mktemp -d /tmp/edgesplit-slurm.XXXXXX)
chmod 755 "$work"  # munged runs as user munge and must reach its socket directory
cleanup() { "$root/scripts/slurm/local_cluster.sh" stop "$work/cluster" || true; rm -rf "$work"; }
trap cleanup EXIT

env_line=$("$root/scripts/slurm/local_cluster.sh" start "$work/cluster")
eval "$env_line"
echo "slurm: cluster up ($SLURM_CONF)"

cd "$root"
ids=$(scripts/slurm/submit.sh "$sweep" --tasks 3 --out "$work/slurm-results" --bin "$bin" | tail -n 1)
merge=${ids#* }
echo "slurm: submitted array + merge job $merge"
deadline=$((SECONDS + 180))
while squeue -h -j "$merge" 2>/dev/null | grep -q .; do
  [ $SECONDS -lt $deadline ] || { echo "FAIL: merge job $merge still queued after 180 s"; squeue; exit 1; }
  sleep 0.5
done
state=$(scontrol show job "$merge" 2>/dev/null | grep -o 'JobState=[A-Z]*' || echo "JobState=unknown")
echo "slurm: merge job $state"
cat "$work/slurm-results/slurm/merge.log" || true
[ -f "$work/slurm-results/runs.csv" ] || { echo "FAIL: no merged runs.csv"; ls -R "$work/slurm-results"; exit 1; }

"$bin" run "$sweep" -j 2 --quiet --out "$work/local" >/dev/null
strip() { rev "$1" | cut -d, -f3- | rev; }
if ! diff <(strip "$work/local/runs.csv") <(strip "$work/slurm-results/runs.csv") >/dev/null; then
  echo "FAIL: the Slurm array's merged runs.csv differs from the local run"
  diff <(strip "$work/local/runs.csv") <(strip "$work/slurm-results/runs.csv") | head -20
  exit 1
fi
shards=$(ls "$work/slurm-results/journal/"*.jsonl | wc -l)
[ "$shards" -eq 3 ] || { echo "FAIL: expected 3 shard journals, found $shards"; exit 1; }
echo "1 passed, 0 failed"
