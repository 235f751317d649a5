#!/usr/bin/env bash
# The main job: set-up from nothing if needed, build, then run the seek daemon in the
# foreground (Ctrl-C stops it). Extra arguments go to `seek daemon start --foreground`.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build_dir=${SEEK_BUILD_DIR:-$root/build}

bash "$root/scripts/build.sh"
exec "$build_dir/seek" daemon start --foreground "$@"
