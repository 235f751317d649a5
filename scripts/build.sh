#!/usr/bin/env bash
# Builds seek into build/ (the binary is build/seek): installs what is missing first
# (scripts/setup.sh), configures once with Ninja and ccache, then builds incrementally.
#   SEEK_BUILD_DIR   build folder (default: build)
#   SEEK_BUILD_TYPE  Release (default), RelWithDebInfo or Debug
#   SEEK_CUDA        AUTO (default), ON or OFF
#   SEEK_JOBS        parallel jobs (default: number of cores)
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build_dir=${SEEK_BUILD_DIR:-$root/build}
build_type=${SEEK_BUILD_TYPE:-Release}
jobs=${SEEK_JOBS:-$(nproc)}

bash "$root/scripts/setup.sh"

if [ ! -f "$build_dir/build.ninja" ]; then
  cmake -S "$root" -B "$build_dir" -G Ninja \
    -DCMAKE_BUILD_TYPE="$build_type" \
    -DSEEK_CUDA="${SEEK_CUDA:-AUTO}"
fi
cmake --build "$build_dir" --parallel "$jobs"
