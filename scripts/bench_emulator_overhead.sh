#!/usr/bin/env bash
# The emulator's own overhead per frame (measured here): each model runs whole on one worker in native mode, so a
# frame holds nothing but real kernels and the framework (task dispatch, cell assembly, crops, the deposit to the
# sink, the result message to the coordinator on loopback). Framework share = 1 - kernel time / frame latency p50,
# both measured by the worker (kernel execute() calls) and the emulator (source start to sink end). A 4-worker even
# split adds the share of the tasks' compute calls that is not kernels (the wire there is real TCP, not overhead).
#   scripts/bench_emulator_overhead.sh [FRAMES]      (default 10; build first: scripts/setup.sh)
set -euo pipefail
cd "$(dirname "$0")/.."
frames="${1:-10}"
bin=build/edgesplit
[ -x "$bin" ] || { echo "bench_emulator_overhead: $bin missing; run scripts/setup.sh first" >&2; exit 2; }
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

scenario() {  # name model planner (on the default platform; a local plan runs on its requester, the Pi 4)
  cat >"$tmp/$1.yaml" <<YAML
name: $1
model: $2
platform: $PWD/platforms/clusters/default.yaml
planner: {name: $3}
workload: {frames: $frames, arrival: closed}
objective: latency
seed: 1
YAML
}

echo "bench_emulator_overhead: $frames frames each, native mode, sender pacing on loopback, $(nproc) cores, $(hostname)"
printf '%-24s %-6s %7s %11s %11s %11s %11s %10s\n' model planner workers "latency ms" "kernels ms" "copies ms" \
  "other ms" framework
for spec in "mobilenet_v1_0.25_128 local" "mobilenet_v1_1.0_224 local" "squeezenet1_1 local" "resnet18 local" \
  "alexnet local" "vgg16 local"; do
  read -r model planner <<<"$spec"
  name="${model}_$planner"
  scenario "$name" "$model" "$planner"
  "$bin" emulate "$tmp/$name.yaml" --mode native --net pace --no-simulate >"$tmp/$name.txt" 2>/dev/null || {
    echo "bench_emulator_overhead: $name failed:"; cat "$tmp/$name.txt"; continue; }
  /usr/bin/python3 - "$tmp/$name.txt" "$model" "$planner" <<'PY'
import re, sys
text = open(sys.argv[1]).read()
workers = re.search(r"workers: (\d+)", text).group(1)
m = re.search(r"kernels ([0-9.]+) ms \+ their input/output copies ([0-9.]+) ms, other work in the tasks ([0-9.]+) ms "
              r"\(([0-9.]+) % of the tasks' compute\)", text)
lat = re.search(r"frame latency p50 ([0-9.]+) ms, of it neither kernels nor their copies (-?[0-9.]+) %", text)
if not m:
    sys.exit(f"bench_emulator_overhead: no framework line in {sys.argv[1]}")
k, io, other, share = (float(m.group(i)) for i in range(1, 5))
if lat:
    print(f"{sys.argv[2]:<24} {sys.argv[3]:<6} {workers:>7} {float(lat.group(1)):>11.3f} {k:>11.3f} {io:>11.3f} "
          f"{other:>11.3f} {float(lat.group(2)):>9.2f}%")
else:
    print(f"{sys.argv[2]:<24} {sys.argv[3]:<6} {workers:>7} {'-':>11} {k:>11.3f} {io:>11.3f} {other:>11.3f} "
          f"{share:>9.2f}% of the tasks' compute")
PY
done
echo "measured: kernels = the workers' execute() calls (what device profiles time), copies = the kernels' load/store"
echo "(layout reorders), other = the rest of the tasks' compute; framework = 1 - (kernels + copies) / latency p50 (one"
echo "worker: no wire in the frame); latency from the workers' own timestamps (source start to sink end), real time"
