#!/usr/bin/env bash
# Install every Debian package edgesplit needs (only what is missing), then configure and build into build/.
# Idempotent: a second run installs nothing and rebuilds only what changed.
#   BUILD_DIR=build-asan CMAKE_ARGS=-DEDGESPLIT_SANITIZE=ON scripts/setup.sh   builds the sanitizer tree instead.
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(
  build-essential cmake ninja-build pkg-config git
  libsimgrid-dev libboost-dev libboost-program-options-dev libfmt-dev libyaml-cpp-dev nlohmann-json3-dev catch2
  libopenblas-dev libdnnl-dev libxnnpack-dev libpthreadpool-dev libglpk-dev libtorch-dev
  python3-matplotlib python3-numpy iproute2 procps
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "setup: installing ${missing[*]}"
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get -o DPkg::Lock::Timeout=600 update -qq
  $SUDO apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends "${missing[@]}"
else
  echo "setup: all Debian packages present"
fi

build_dir="${BUILD_DIR:-build}"
jobs="${JOBS:-$(nproc)}"
echo "setup: configuring $build_dir ${CMAKE_ARGS:-}"
# shellcheck disable=SC2086
cmake -S . -B "$build_dir" -G Ninja -DCMAKE_BUILD_TYPE="${BUILD_TYPE:-Release}" ${CMAKE_ARGS:-} >"$build_dir.configure.log" 2>&1 \
  || { cat "$build_dir.configure.log"; exit 1; }
echo "setup: building $build_dir with $jobs jobs"
cmake --build "$build_dir" -j "$jobs"
echo "setup: done; binary at $build_dir/edgesplit"
