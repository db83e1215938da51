#!/usr/bin/env bash
# DistrEdge (Hou et al., IPDPS'22) against AOFL, DeepThings, CoEdge, MoDNN and Offload on the paper's device groups
# (DA/DB/DC at 50 and 300 Mbps) and network groups (NA-ND with Nano and with Xavier providers), VGG-16, a phone-class
# requester that only sends the image: scenarios/paper/distredge/groups.yaml (84 points, 14 DDPG trainings of 4000
# episodes: about 15 min on 2 cores). IPS are simulated (analytic executor, closed loop); planning/training times are
# measured on this host. Writes results/paper/distredge/summary.md and distredge.png.
# Build first (scripts/setup.sh); BUILD_DIR selects the tree, EXECUTOR the executor (analytic | simgrid).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib/bench_common.sh
executor="${EXECUTOR:-analytic}"
bench_start bench_distredge edgesplit "executor $executor, OPENBLAS_CORETYPE=${OPENBLAS_CORETYPE:-(detected)}"
rm -rf results/distredge_groups  # a fresh run each time (the runner refuses to mix with an earlier one)
# Trainings take minutes: no per-scenario time limit worth the name, small batches so both workers train; the policy
# cache is bypassed so every training is timed.
EDGESPLIT_CACHE="$(mktemp -d)"
export EDGESPLIT_CACHE
trap 'rm -rf "$EDGESPLIT_CACHE"' EXIT
"$bin" run scenarios/paper/distredge/groups.yaml -j 2 --batch 1 --timeout 3600 --executor "$executor" --progress \
  --out results/distredge_groups || true
mkdir -p results/paper/distredge  # curated: the summary and the figure are kept in git
{
  echo "# DistrEdge on the paper's groups — scripts/bench_distredge.sh, commit $(git rev-parse --short HEAD), executor $executor"
  echo
  /usr/bin/python3 scripts/plot_distredge.py results/distredge_groups/runs.csv results/paper/distredge
} | tee results/paper/distredge/summary.md
