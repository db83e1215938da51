#!/usr/bin/env bash
# Submit a sweep to Slurm as an array job: task k of N runs `edgesplit run SWEEP --shard k/N`, and a merge job that
# runs when every task succeeded (afterok) combines the shards into results/<sweep>/.
#   scripts/slurm/submit.sh SWEEP.yaml --tasks N [--out DIR] [--bin PATH] [-- extra sbatch options]
# Example: scripts/slurm/submit.sh scenarios/bench/sweep.yaml --tasks 64 -- --partition=short --time=00:30:00
set -euo pipefail

usage() { echo "usage: submit.sh SWEEP.yaml --tasks N [--out DIR] [--bin PATH] [-- sbatch options]" >&2; exit 2; }
[ $# -ge 1 ] || usage
sweep=$1; shift
tasks=""; out=""; bin="$(cd "$(dirname "$0")/../.." && pwd)/build/edgesplit"; sbatch_opts=()
while [ $# -gt 0 ]; do
  case "$1" in
    --tasks) tasks=$2; shift 2 ;;
    --out) out=$2; shift 2 ;;
    --bin) bin=$2; shift 2 ;;
    --) shift; sbatch_opts=("$@"); break ;;
    *) usage ;;
  esac
done
[[ "$tasks" =~ ^[1-9][0-9]*$ ]] || { echo "submit.sh: --tasks needs a positive integer" >&2; exit 2; }
[ -f "$sweep" ] || { echo "submit.sh: no such sweep file: $sweep" >&2; exit 2; }
[ -x "$bin" ] || { echo "submit.sh: edgesplit binary not found at $bin (build first, or pass --bin)" >&2; exit 2; }
sweep=$(realpath "$sweep")
[ -n "$out" ] || out="results/$(basename "$sweep" .yaml)"
mkdir -p "$out/slurm"
out=$(realpath "$out")

# Validate before queueing anything: a typo should fail here, not in 64 array tasks.
"$bin" check "$sweep" >/dev/null

array=$(sbatch --parsable "${sbatch_opts[@]}" --job-name=edgesplit-sweep --array=0-$((tasks - 1)) \
  --output="$out/slurm/task-%a.log" \
  --wrap="'$bin' run '$sweep' --shard \$SLURM_ARRAY_TASK_ID/$tasks --out '$out' -j \${SLURM_CPUS_PER_TASK:-1} --resume")
array=${array%%;*}
merge=$(sbatch --parsable "${sbatch_opts[@]}" --job-name=edgesplit-merge --dependency=afterok:"$array" \
  --output="$out/slurm/merge.log" --wrap="'$bin' merge '$out'")
merge=${merge%%;*}
echo "submitted array job $array ($tasks tasks) and merge job $merge; results in $out"
echo "$array $merge"
