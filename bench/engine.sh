#!/usr/bin/env bash
# Engine throughput on the `small` preset (or MODEL_DIR): prefill and greedy-decode tokens/s,
# and decode time over the memory-bandwidth roofline measured in the same run.
#   bench/engine.sh [MODEL_DIR] [PROMPT_TOKENS] [DECODE_TOKENS]
# Without MODEL_DIR it writes `seek model init --preset small --seed 1` once under
# ${XDG_CACHE_HOME:-~/.cache}/seek/bench/ (about 1.1 GB, 40 s) and reuses it.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${SEEK_BUILD_DIR:-$root/build}
model=${1:-}
if [[ -z "$model" ]]; then
  model=${XDG_CACHE_HOME:-$HOME/.cache}/seek/bench/small-seed1
  if [[ ! -f "$model/config.json" ]]; then
    mkdir -p "$(dirname "$model")"
    "$build/seek" model init --preset small --seed 1 --out "$model"
  fi
fi
cmake --build "$build" --target seek_engine_bench >/dev/null
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(free -g | awk '/Mem:/{print $2}') GiB"
"$build/bench/seek_engine_bench" "$model" "${2:-128}" "${3:-16}"
