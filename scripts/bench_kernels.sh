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
# Forced, whatever the environment says (BENCH_OPENBLAS_CORETYPE overrides); the core used is in the JSON.
export OPENBLAS_CORETYPE=${BENCH_OPENBLAS_CORETYPE:-SkylakeX}
echo "bench_kernels: OPENBLAS_CORETYPE=$OPENBLAS_CORETYPE"
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
peaks, versions = {}, {}
for f in sorted(glob.glob(os.path.join(out, "*.json"))):
    j = json.load(open(f))
    b = j["backend"]
    versions[b] = j["backend_version"]
    # As in kernels-measured.md: peak = (flop/cycle of the FMA loop) x the clock measured right after each layer.
    flop_per_cycle = j["peak"]["flops_per_s"] / j["peak"]["clock_hz"]
    peaks.setdefault(b, []).append(flop_per_cycle)
    for l in j["layers"]:
        if l["class"] not in ("conv", "depthwise_conv", "fc"):
            continue
        key = (l["model"], l["kind"])
        r = rows.setdefault(key, {})
        flops, t, peak_s = r.get(b, (0.0, 0.0, 0.0))
        # peak_s accumulates peak flop/s x time, so peak flops over the kind = peak_s / t
        r[b] = (flops + 2 * l["work"], t + l["time"]["median_s"],
                peak_s + flop_per_cycle * l["clock_hz"] * l["time"]["median_s"])
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
        flops, t, peak_s = r[b]
        g = flops / t / 1e9
        cells.append(f"{g:.1f} ({100 * flops / peak_s:.0f} %)")
        best = max(best, (b, g), key=lambda x: x[1])
    print(f"| {model} | {kind} | " + " | ".join(cells) + f" | {best[0]} |")
print()
for b in backends:
    p = peaks[b]
    print(f"{b}: {versions[b]}; FMA loop (measured in the same process): {min(p):.1f}-{max(p):.1f} flop/cycle")
print("GFLOP/s = 2 x MACs (padded taps counted) / median time (thread CPU time, 1 thread). % peak = that / (measured")
print("flop/cycle x the clock measured right after the layer), time-weighted over the layers of a kind.")
PY
