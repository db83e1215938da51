#!/usr/bin/env bash
# Set up, build and run the whole test suite: the release build, then the ASan+UBSan build.
#   SKIP_SANITIZE=1 scripts/test.sh    only the release build (quicker, for local iteration)
#   CTEST_ARGS='-L unit' scripts/test.sh   a subset
set -euo pipefail
cd "$(dirname "$0")/.."
start=$(date +%s)

scripts/setup.sh
echo "test: release build"
# shellcheck disable=SC2086
ctest --test-dir build --output-on-failure -j "$(nproc)" ${CTEST_ARGS:-}

if [ "${SKIP_SANITIZE:-0}" != 1 ]; then
  echo "test: sanitizer build (ASan + UBSan)"
  BUILD_DIR=build-asan BUILD_TYPE=RelWithDebInfo CMAKE_ARGS="-DEDGESPLIT_SANITIZE=ON" scripts/setup.sh
  # Fork-heavy tests and sanitizers: leaks in forked children that _exit are not ours to report.
  # shellcheck disable=SC2086
  ASAN_OPTIONS=detect_leaks=0:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
    ctest --test-dir build-asan --output-on-failure -j "$(nproc)" -LE 'slow|slurm|bench' ${CTEST_ARGS:-}
fi
echo "test: all passed in $(( $(date +%s) - start )) s"
