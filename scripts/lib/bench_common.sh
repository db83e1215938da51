# Shared start of the scripts/bench_*.sh that run the built binaries: sourced, never run.
#   bench_start NAME BINARY [EXTRA]   sets $build (BUILD_DIR, default build) and $bin ($build/BINARY), exits 1 when
#                                     it is not built, and prints the header line: cores, host, commit, EXTRA.
# shellcheck shell=bash
bench_start() {
  local name="$1" binary="$2" extra="${3:-}"
  build="${BUILD_DIR:-build}"
  bin="$build/$binary"
  [ -x "$bin" ] || { echo "$name: $bin not built (run scripts/setup.sh)"; exit 1; }
  echo "$name: $(nproc) cores on $(hostname), commit $(git rev-parse --short HEAD)${extra:+, $extra}"
}
