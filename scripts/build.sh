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

# Configure when the folder is new or the requested settings changed since last time.
wanted="type=$build_type cuda=${SEEK_CUDA:-AUTO}"
stamp="$build_dir/.seek-configured"
if [ ! -f "$build_dir/build.ninja" ] || [ "$(cat "$stamp" 2>/dev/null)" != "$wanted" ]; then
  cmake -S "$root" -B "$build_dir" -G Ninja \
    -DCMAKE_BUILD_TYPE="$build_type" \
    -DSEEK_CUDA="${SEEK_CUDA:-AUTO}"
  echo "$wanted" > "$stamp"
fi
cmake --build "$build_dir" --parallel "$jobs"
