#!/usr/bin/env bash
# Tokenizer throughput, seek vs the HF reference implementations, same file, same run.
#   bench/tokenizer.sh [TEXT_FILE] [REPEAT]
# Without TEXT_FILE it concatenates ~5 MB of C++ standard-library headers and this repo's
# sources. Prints each implementation's JSON line and the ratios (one core each).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${SEEK_BUILD_DIR:-$root/build}
tokenizer=$build/share/seek/tokenizer.json
repeat=${2:-5}
file=${1:-}
if [[ -z "$file" ]]; then
  file=$(mktemp /tmp/seek-tokbench.XXXXXX)
  trap 'rm -f "$file"' EXIT
  { cat /usr/include/c++/12/bits/*.h; find "$root/engine" "$root/daemon" "$root/lsp" -name '*.cc' -o -name '*.h' | sort | xargs cat; } \
    | head -c 5000000 > "$file"
fi
cmake --build "$build" --target seek_tokenizer_bench seek_v4_tokenizer >/dev/null
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs); file: $(wc -c < "$file") bytes"
seek_line=$(taskset -c 0 "$build/bench/seek_tokenizer_bench" "$tokenizer" "$file" "$repeat")
echo "$seek_line"
for impl in rust js; do
  line=$(taskset -c 0 node "$root/tests/engine/tokenizer/reference_tokenize.mjs" --impl $impl --tokenizer "$tokenizer" \
         --bench "$file" --repeat "$repeat" 2>/dev/null || echo '{}')
  echo "$line"
  python3 - "$seek_line" "$line" <<'PY'
import json, sys
s, r = json.loads(sys.argv[1]), json.loads(sys.argv[2])
if r.get("mb_per_s"):
    print(f"  seek cold {s['cold_mb_per_s']:.2f} MB/s = {s['cold_mb_per_s'] / r['mb_per_s']:.1f}x {r['impl']} ({r['mb_per_s']:.2f} MB/s); "
          f"warm {s['warm_mb_per_s']:.2f} MB/s = {s['warm_mb_per_s'] / r['mb_per_s']:.1f}x; same token count: {s['tokens'] == r.get('tokens')}")
PY
done
