#!/usr/bin/env bash
# Runs every test: set-up from nothing if needed, build, then ctest. Extra arguments go to
# ctest (for example `-L gpu` for the GPU tests only, or `-R Daemon`). GPU tests skip
# themselves, with the reason, on a machine without a usable CUDA device.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build_dir=${SEEK_BUILD_DIR:-$root/build}

bash "$root/scripts/build.sh"
cd "$build_dir"
ctest --output-on-failure --parallel "${SEEK_JOBS:-$(nproc)}" --timeout 300 "$@"
