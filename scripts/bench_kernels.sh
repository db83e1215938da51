#!/usr/bin/env bash
# Kernel throughput per layer kind and backend on VGG-16 and MobileNet-V1 (1 thread), as GFLOP/s and as a share of
# the fp32 FMA peak measured in the same process (edgesplit profile --peak). Every figure printed is measured here.
#   scripts/bench_kernels.sh [OUT_DIR]     (default results/bench_kernels; needs build/edgesplit)
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:-results/bench_kernels}
bin=build/edgesplit
[ -x "$bin" ] || { echo "bench_kernels: build first (scripts/setup.sh)" >&2; exit 2; }
mkdir -p "$out"
# OpenBLAS 0.3.21 detects Zen 5 as Haswell (AVX2); SkylakeX kernels are 1.8x faster here (kernels-measured.md).
export OPENBLAS_CORETYPE=${OPENBLAS_CORETYPE:-SkylakeX}
start=$(date +%s)
for model in vgg16 mobilenet_v1_1.0_224; do
  # The reference loop (~3 GFLOP/s, 10 s per VGG-16 pass) is the correctness oracle, not benchmarked.
  for b in onednn xnnpack openblas; do
    echo "bench_kernels: $model on $b (1 thread, own process)"
    if ! "$bin" profile --model "$model" --backend "$b" --threads 1 --bands none --repeats 5 --peak \
        -o "$out/$model.$b.yaml" --json "$out/$model.$b.json" >"$out/$model.$b.txt" 2>"$out/$model.$b.err"; then
      echo "bench_kernels: $b skipped: $(tail -1 "$out/$model.$b.err")"
    fi
  done
done
echo "bench_kernels: measured in $(( $(date +%s) - start )) s"
/usr/bin/python3 - "$out" <<'PY'
import collections, glob, json, os, sys
out = sys.argv[1]
rows = collections.OrderedDict()
peaks = {}
for f in sorted(glob.glob(os.path.join(out, "*.json"))):
    j = json.load(open(f))
    b = j["backend"]
    peak = j["peak"]["flops_per_s"]
    for l in j["layers"]:
        if l["class"] not in ("conv", "depthwise_conv", "fc"):
            continue
        key = (l["model"], l["kind"])
        r = rows.setdefault(key, {})
        flops, t = r.get(b, (0.0, 0.0, peak))[:2]
        r[b] = (flops + 2 * l["work"], t + l["time"]["median_s"], peak)
        peaks[b] = peaks.get(b, []) + [peak]
backends = sorted({b for r in rows.values() for b in r})
print()
print("| model | layer kind | " + " | ".join(f"{b} GFLOP/s (% peak)" for b in backends) + " | best |")
print("|---|---|" + "---|" * (len(backends) + 1))
for (model, kind), r in rows.items():
    cells, best = [], ("", 0)
    for b in backends:
        if b not in r:
            cells.append("-")
            continue
        flops, t, peak = r[b]
        g = flops / t / 1e9
        cells.append(f"{g:.1f} ({100 * g * 1e9 / peak:.0f} %)")
        best = max(best, (b, g), key=lambda x: x[1])
    print(f"| {model} | {kind} | " + " | ".join(cells) + f" | {best[0]} |")
print()
for b in backends:
    p = peaks[b]
    print(f"peak (measured, FMA loop, 1 thread) in the {b} runs: {min(p)/1e9:.1f}-{max(p)/1e9:.1f} GFLOP/s")
print("GFLOP/s = 2 x MACs / median time (thread CPU time, 1 thread); % of the peak measured in the same process.")
PY
