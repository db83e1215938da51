#!/usr/bin/env bash
# Emulator link and fault figures (measured here): 1 MB at 20 Mbit/s through app-level pacing (loopback) and through
# a tbf-shaped netns station link and an htb per-route class, 50 ms sender latency, and how soon a SIGKILLed worker is reported.
# They come from the runtime tests' own code paths (Catch -s prints each measured value beside its expectation).
#   scripts/bench_emulator.sh [REPEATS]      (default 5; build first: scripts/setup.sh)
set -euo pipefail
cd "$(dirname "$0")/.."
repeats="${1:-5}"
bin=build/tests/test_runtime
[ -x "$bin" ] || { echo "bench_emulator: $bin missing; run scripts/setup.sh first" >&2; exit 2; }

echo "bench_emulator: $repeats repeats on $(hostname), kernel $(uname -r), $(nproc) cores"
tmp="$(mktemp)"
trap 'rm -f "$tmp"' EXIT
for _ in $(seq 1 "$repeats"); do
  "$bin" '[net],[coordinator]' -s -r compact 2>&1 | grep -E 'passed: (pacer_s|latency_s|tbf_s|route_s|detect_s) |skipped' >>"$tmp" || true
done
/usr/bin/python3 - "$tmp" <<'PY'
import re, statistics, sys
lines = open(sys.argv[1]).read().splitlines()
if any("skipped" in l for l in lines):
    print("bench_emulator: some figures skipped:", *[l for l in lines if "skipped" in l], sep="\n  ")
pacer, lat, tbf, route, det = [], [], [], [], []
for l in lines:
    m = re.search(r"for: ([0-9.e-]+) (==|<|>=)", l)
    if not m: continue
    v = float(m.group(1))
    for key, into in (("detect_s", det), ("latency_s", lat), ("pacer_s", pacer), ("tbf_s", tbf), ("route_s", route)):
        if f"passed: {key} " in l and (" < " not in l or key == "detect_s"): into.append(v)  # each value once
def show(name, vals, expect):
    if not vals: print(f"  {name:<46} (no data)"); return
    med = statistics.median(vals)
    rel = f"{(med / expect - 1) * 100:+.2f} % vs {expect:.3f} s" if expect else ""
    print(f"  {name:<46} median {med:.6f} s  min {min(vals):.6f}  max {max(vals):.6f}  n={len(vals)}  {rel}")
print("measured (median of repeats):")
show("pacer 1 MB @ 20 Mbit/s, loopback", pacer, 0.400)
show("sender latency 50 ms, loopback", lat, 0.050)
show("tbf 1 MB @ 20 Mbit/s, netns d1->AP->d2", tbf, 0.400)
show("htb route 1 MB @ 10 Mbit/s, netns d1->d2", route, 0.800)
show("SIGKILLed worker reported after", det, None)
PY
