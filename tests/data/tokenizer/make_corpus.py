#!/usr/bin/env python3
"""Generate tests/data/tokenizer/corpus.jsonl: one JSON string per line, ensure_ascii=False.

Deterministic (fixed seed, no unicodedata, no environment input), standard library only:

    python3 tests/data/tokenizer/make_corpus.py [--out tests/data/tokenizer/corpus.jsonl]

The strings exercise the DeepSeek V3/V4 pre-tokenizer (digit split \\p{N}{1,3}, the CJK/kana
split, the letters/punctuation/whitespace regex), byte-level BPE and the V4 added tokens:
source code in many languages, CJK, emoji, combining marks, RTL and Indic scripts, whitespace
runs, digits, special-token strings and near misses, punctuation runs, random Unicode.
No lone surrogates and no noncharacters. U+0085, U+2028 and U+2029 are written as \\u escapes so
that no line splitter breaks a line (the JSON value is the same).
"""

import argparse
import json
import os
import random

SEED = 20260424

# --------------------------------------------------------------------------------------------
# Source code
# --------------------------------------------------------------------------------------------

CODE = [
    ("c", r'''#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Reverse a string in place. Returns its length. */
static size_t reverse(char *s)
{
    size_t n = strlen(s);
    for (size_t i = 0, j = n ? n - 1 : 0; i < j; ++i, --j) {
        char t = s[i];
        s[i] = s[j];
        s[j] = t;
    }
    return n;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: %s WORD...\n", argv[0]);
        return EXIT_FAILURE;
    }
    for (int i = 1; i < argc; i++) {
        size_t n = reverse(argv[i]);
        printf("%-20s %4zu\t0x%08x\n", argv[i], n, (unsigned)n * 2654435761u);
    }
    return 0;
}
'''),
    ("c", r'''struct list_head {
	struct list_head *next, *prev;
};

#define LIST_HEAD_INIT(name) { &(name), &(name) }
#define container_of(ptr, type, member) ({			\
	const typeof(((type *)0)->member) *__mptr = (ptr);	\
	(type *)((char *)__mptr - offsetof(type, member)); })

static inline void list_add(struct list_head *new, struct list_head *head)
{
	head->next->prev = new;
	new->next = head->next;
	new->prev = head;
	head->next = new;
}
'''),
    ("cpp", r'''#include <algorithm>
#include <map>
#include <string_view>
#include <vector>

namespace seek::text {

template <typename T>
concept Hashable = requires(T a) {
    { std::hash<T>{}(a) } -> std::convertible_to<std::size_t>;
};

class WordCounter {
 public:
  void add(std::string_view line) {
    std::size_t i = 0;
    while (i < line.size()) {
      while (i < line.size() && line[i] == ' ') ++i;
      std::size_t j = i;
      while (j < line.size() && line[j] != ' ') ++j;
      if (j > i) ++counts_[std::string(line.substr(i, j - i))];
      i = j;
    }
  }

  [[nodiscard]] std::vector<std::pair<std::string, int>> top(int k) const {
    std::vector<std::pair<std::string, int>> v(counts_.begin(), counts_.end());
    std::ranges::partial_sort(v, v.begin() + std::min<int>(k, v.size()),
                              [](auto& a, auto& b) { return a.second > b.second; });
    v.resize(std::min<std::size_t>(k, v.size()));
    return v;
  }

 private:
  std::map<std::string, int, std::less<>> counts_;
};

}  // namespace seek::text
'''),
    ("cpp", r'''auto main() -> int {
    std::unique_ptr<Foo<Bar<int>>> p = std::make_unique<Foo<Bar<int>>>();
    constexpr auto kMask = 0b1010'1010u;
    static_assert(sizeof(void*) == 8, "64-bit only");
    std::cout << std::format("{:>10}|{:<#x}|{:.3e}\n", "x", 255, 1.0 / 3);
    return p ? 0 : 1;
}
'''),
    ("cuda", r'''__global__ void rms_norm_kernel(const __nv_bfloat16* __restrict__ x,
                                const float* __restrict__ w,
                                __nv_bfloat16* __restrict__ y, int n, float eps) {
  extern __shared__ float smem[];
  const int row = blockIdx.x;
  float acc = 0.f;
  for (int i = threadIdx.x; i < n; i += blockDim.x) {
    float v = __bfloat162float(x[row * n + i]);
    acc += v * v;
  }
  #pragma unroll
  for (int off = 16; off > 0; off >>= 1) acc += __shfl_xor_sync(0xffffffff, acc, off);
  if ((threadIdx.x & 31) == 0) smem[threadIdx.x >> 5] = acc;
  __syncthreads();
  const float r = rsqrtf(smem[0] / n + eps);
  for (int i = threadIdx.x; i < n; i += blockDim.x)
    y[row * n + i] = __float2bfloat16(__bfloat162float(x[row * n + i]) * r * w[i]);
}

void launch(cudaStream_t s) {
  rms_norm_kernel<<<rows, 256, 8 * sizeof(float), s>>>(x, w, y, n, 1e-6f);
  CUDA_CHECK(cudaGetLastError());
}
'''),
    ("python", r'''import dataclasses
import re
from collections import defaultdict
from typing import Iterable


@dataclasses.dataclass(frozen=True)
class Hit:
    path: str
    line: int
    text: str


WORD_RE = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def index(lines: Iterable[tuple[str, int, str]]) -> dict[str, list[Hit]]:
    """Map each identifier to the places it occurs."""
    out: dict[str, list[Hit]] = defaultdict(list)
    for path, no, text in lines:
        for m in WORD_RE.finditer(text):
            out[m.group(0)].append(Hit(path, no, text.strip()))
    return dict(out)


if __name__ == "__main__":
    import sys
    idx = index((p, i + 1, l) for p in sys.argv[1:] for i, l in enumerate(open(p)))
    for word, hits in sorted(idx.items(), key=lambda kv: -len(kv[1]))[:10]:
        print(f"{word:<24}{len(hits):>6}  {hits[0].path}:{hits[0].line}")
'''),
    ("python", r'''class Attention(nn.Module):
    def __init__(self, dim: int, n_heads: int = 64, head_dim: int = 512) -> None:
        super().__init__()
        self.wq = nn.Linear(dim, n_heads * head_dim, bias=False)
        self.scale = head_dim ** -0.5

    def forward(self, x: torch.Tensor, mask: torch.Tensor | None = None) -> torch.Tensor:
        bsz, seqlen, _ = x.shape
        q = self.wq(x).view(bsz, seqlen, -1, 512)
        scores = torch.einsum("bshd,bthd->bsht", q, q) * self.scale
        if mask is not None:
            scores += mask.unsqueeze(2)
        return scores.softmax(dim=-1, dtype=torch.float32).type_as(x)
'''),
    ("python", r'''def fib(n):
	a, b = 0, 1
	while n > 0:
		a, b = b, a + b
		n -= 1
	return a

print([fib(i) for i in range(20)])  # [0, 1, 1, 2, 3, 5, 8, 13, 21, 34, ...]
assert fib(90) == 2880067194370816120
'''),
    ("rust", r'''use std::collections::HashMap;
use std::io::{self, BufRead, Write};

#[derive(Debug, Default, Clone)]
pub struct Stats {
    lines: usize,
    words: usize,
    bytes: usize,
}

impl Stats {
    pub fn feed(&mut self, line: &str) {
        self.lines += 1;
        self.words += line.split_whitespace().count();
        self.bytes += line.len() + 1;
    }
}

fn main() -> io::Result<()> {
    let stdin = io::stdin();
    let mut per_word: HashMap<String, u64> = HashMap::new();
    let mut s = Stats::default();
    for line in stdin.lock().lines() {
        let line = line?;
        s.feed(&line);
        for w in line.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()) {
            *per_word.entry(w.to_lowercase()).or_insert(0) += 1;
        }
    }
    let mut out = io::stdout().lock();
    writeln!(out, "{:?}", s)?;
    let mut v: Vec<_> = per_word.into_iter().collect();
    v.sort_unstable_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    for (w, n) in v.iter().take(5) {
        writeln!(out, "{w:>12} {n}")?;
    }
    Ok(())
}
'''),
    ("rust", r'''impl<'a, T: ?Sized + Send + 'a> Drop for Guard<'a, T> {
    fn drop(&mut self) {
        // SAFETY: we hold the lock.
        unsafe { self.lock.raw.unlock() };
    }
}
let r#type = b"bytes\x00\xff";
let s = r##"raw "string" with # signs"##;
macro_rules! sq { ($x:expr) => { $x * $x }; }
'''),
    ("go", r'''package main

import (
	"bufio"
	"fmt"
	"os"
	"sort"
	"strings"
)

type kv struct {
	Key   string
	Count int
}

func main() {
	counts := map[string]int{}
	sc := bufio.NewScanner(os.Stdin)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		for _, w := range strings.Fields(sc.Text()) {
			counts[strings.ToLower(w)]++
		}
	}
	if err := sc.Err(); err != nil {
		fmt.Fprintln(os.Stderr, "read:", err)
		os.Exit(1)
	}
	var out []kv
	for k, v := range counts {
		out = append(out, kv{k, v})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Count > out[j].Count })
	for _, e := range out[:min(10, len(out))] {
		fmt.Printf("%-16s %6d\n", e.Key, e.Count)
	}
}
'''),
    ("go", r'''func (s *Server) handle(ctx context.Context, ch <-chan *Request) error {
	for {
		select {
		case <-ctx.Done():
			return ctx.Err()
		case req, ok := <-ch:
			if !ok {
				return nil
			}
			go func(r *Request) { defer s.wg.Done(); s.serve(r) }(req)
		}
	}
}
'''),
    ("java", r'''package org.example.cache;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A tiny LRU cache.
 * @param <K> key type
 * @param <V> value type
 */
public final class LruCache<K, V> extends LinkedHashMap<K, V> {
    private static final long serialVersionUID = 1L;
    private final int capacity;

    public LruCache(int capacity) {
        super(16, 0.75f, true);
        if (capacity <= 0) throw new IllegalArgumentException("capacity <= 0: " + capacity);
        this.capacity = capacity;
    }

    @Override
    protected boolean removeEldestEntry(Map.Entry<K, V> eldest) {
        return size() > capacity;
    }

    public static void main(String[] args) {
        var c = new LruCache<String, Integer>(2);
        c.put("a", 1); c.put("b", 2); c.get("a"); c.put("c", 3);
        System.out.println(c.keySet()); // [a, c]
    }
}
'''),
    ("javascript", r'''// debounce with leading/trailing options
export function debounce(fn, wait = 100, { leading = false, trailing = true } = {}) {
  let timer = null, lastArgs = null;
  const invoke = (ctx) => { fn.apply(ctx, lastArgs); lastArgs = null; };
  return function debounced(...args) {
    lastArgs = args;
    if (!timer && leading) invoke(this);
    clearTimeout(timer);
    timer = setTimeout(() => {
      timer = null;
      if (trailing && lastArgs) invoke(this);
    }, wait);
  };
}

const re = /^(?:[a-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[a-z0-9!#$%&'*+/=?^_`{|}~-]+)*)@example\.com$/i;
console.log(`${re.test("a.b@example.com") ? "ok" : "bad"} — ${[1, 2, 3].map((x) => x ** 2).join(",")}`);
'''),
    ("typescript", r'''interface Page<T> {
  readonly items: T[];
  next?: string | null;
}

type Handler<E extends keyof HTMLElementEventMap> = (ev: HTMLElementEventMap[E]) => void;

export async function* paginate<T>(url: string, init?: RequestInit): AsyncGenerator<T, void, undefined> {
  let next: string | null | undefined = url;
  while (next) {
    const res = await fetch(next, init);
    if (!res.ok) throw new Error(`HTTP ${res.status}: ${res.statusText}`);
    const page = (await res.json()) as Page<T>;
    yield* page.items;
    next = page.next;
  }
}

const enum Color { Red = 0xff0000, Green = 0x00ff00, Blue = 0x0000ff }
let x = obj?.a?.[0] ?? (y as unknown as number)!;
'''),
    ("bash", r'''#!/usr/bin/env bash
set -euo pipefail
shopt -s nullglob

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
jobs=${JOBS:-$(nproc)}

usage() { echo "usage: ${0##*/} [-v] DIR..." >&2; exit 2; }

verbose=0
while getopts ":vh" opt; do
  case $opt in
    v) verbose=$((verbose + 1)) ;;
    h|*) usage ;;
  esac
done
shift $((OPTIND - 1))
[[ $# -ge 1 ]] || usage

for d in "$@"; do
  find "$d" -type f -name '*.log' -mtime +7 -print0 |
    xargs -0 -r -P "$jobs" gzip -9 2>/dev/null || true
  (( verbose )) && printf '%s: %d files\n' "$d" "$(ls -1 "$d" | wc -l)"
done
cat <<'EOF' > "$root/.done"
ok $(not expanded)
EOF
'''),
    ("sql", r'''-- top customers by revenue, last 90 days
WITH recent AS (
    SELECT o.customer_id,
           SUM(oi.quantity * oi.unit_price) AS revenue,
           COUNT(DISTINCT o.id)            AS orders
      FROM orders o
      JOIN order_items oi ON oi.order_id = o.id
     WHERE o.created_at >= CURRENT_DATE - INTERVAL '90 days'
       AND o.status <> 'cancelled'
  GROUP BY o.customer_id
)
SELECT c.id, c.name, r.revenue, r.orders,
       RANK() OVER (ORDER BY r.revenue DESC) AS rnk
  FROM recent r
  JOIN customers c ON c.id = r.customer_id
 WHERE r.revenue > 1000.00
 ORDER BY rnk
 LIMIT 20;

CREATE INDEX CONCURRENTLY IF NOT EXISTS idx_orders_created ON orders (created_at DESC) WHERE status <> 'cancelled';
'''),
    ("haskell", r'''{-# LANGUAGE LambdaCase #-}
module Main (main) where

import qualified Data.Map.Strict as M
import Data.List (sortOn)
import Data.Ord (Down (..))

-- | Count words read from stdin.
wordFreq :: String -> M.Map String Int
wordFreq = foldr (\w -> M.insertWith (+) w 1) M.empty . words

main :: IO ()
main = do
  s <- getContents
  let top = take 10 . sortOn (Down . snd) . M.toList $ wordFreq s
  mapM_ (\(w, n) -> putStrLn $ w ++ "\t" ++ show n) top

data Expr = Lit Int | Add Expr Expr | Mul Expr Expr deriving (Show, Eq)

eval :: Expr -> Int
eval = \case
  Lit n   -> n
  Add a b -> eval a + eval b
  Mul a b -> eval a * eval b
'''),
    ("ruby", r'''# frozen_string_literal: true

require "json"

module Inventory
  class Item
    attr_reader :sku, :qty

    def initialize(sku:, qty: 0)
      @sku = sku
      @qty = Integer(qty)
    end

    def to_h = { sku: @sku, qty: @qty }
  end

  def self.load(path)
    JSON.parse(File.read(path), symbolize_names: true).map { |h| Item.new(**h) }
  rescue Errno::ENOENT => e
    warn "missing #{path}: #{e.message}"
    []
  end
end

items = Inventory.load(ARGV.fetch(0, "items.json"))
puts items.select { _1.qty.positive? }.map(&:sku).join(", ")
'''),
    ("json", r'''{
  "name": "seek",
  "version": "0.1.0",
  "private": true,
  "scripts": {
    "test": "ctest --output-on-failure",
    "lint": "clang-tidy -p build $(git ls-files '*.cc')"
  },
  "config": {
    "max_tokens": 1048576,
    "temperature": 1.0,
    "stop": ["<｜end▁of▁sentence｜>", "\n\n\n"],
    "unicode": "caf\u00e9 \ud83d\ude00",
    "nested": {"a": [1, 2.5, -3e-7, true, false, null], "b": {}}
  }
}
'''),
    ("yaml", r'''# CI pipeline
name: build
on:
  push:
    branches: [ main, "release/**" ]
  pull_request:

jobs:
  test:
    runs-on: ${{ matrix.os }}
    strategy:
      fail-fast: false
      matrix:
        os: [ubuntu-24.04, macos-14]
        compiler: [gcc-12, clang-17]
    steps:
      - uses: actions/checkout@v4
      - name: Configure
        run: |
          cmake -S . -B build -G Ninja \
            -DCMAKE_BUILD_TYPE=RelWithDebInfo
      - run: ninja -C build && ctest --test-dir build -j 4
    env:
      CCACHE_DIR: ~/.ccache   # cache dir
      EMPTY: ""
      ANCHOR: &defaults {retries: 3}
      OTHER: *defaults
'''),
    ("html", r'''<!DOCTYPE html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>Results &mdash; seek</title>
  <style>
    body { font: 14px/1.4 system-ui, sans-serif; margin: 0 auto; max-width: 72ch; }
    .hit > code { background: #f6f8fa; padding: 0 .2em; }
  </style>
</head>
<body>
  <!-- generated -->
  <ul id="hits">
    <li class="hit"><a href="src/main.cc#L42">main.cc:42</a> <code>int main(int argc, char** argv)</code></li>
    <li class="hit"><a href="/search?q=a%20b&amp;lang=c%2B%2B">a &lt; b &amp;&amp; c &gt; d</a></li>
  </ul>
  <script>document.querySelectorAll(".hit").forEach((e, i) => e.dataset.i = i);</script>
</body>
</html>
'''),
    ("lisp", r'''(defun word-frequencies (text)
  "Return an alist of (WORD . COUNT) sorted by COUNT, descending."
  (let ((table (make-hash-table :test #'equal)))
    (dolist (w (split-sequence:split-sequence #\Space text :remove-empty-subseqs t))
      (incf (gethash (string-downcase w) table 0)))
    (sort (loop for k being the hash-keys of table using (hash-value v)
                collect (cons k v))
          #'> :key #'cdr)))

(defmacro with-timing ((var) &body body)
  `(let ((,var (get-internal-real-time)))
     (prog1 (progn ,@body)
       (format t "~&took ~,3F s~%" (/ (- (get-internal-real-time) ,var)
                                       internal-time-units-per-second)))))

;; (word-frequencies "a b a c")  => (("a" . 2) ("b" . 1) ("c" . 1))
'''),
    ("kotlin", r'''data class Point(val x: Double, val y: Double) {
    operator fun plus(o: Point) = Point(x + o.x, y + o.y)
}

fun main() {
    val pts = listOf(Point(1.0, 2.0), Point(-3.5, 4.25))
    println(pts.reduce(Point::plus))
    val m = mutableMapOf<String, List<Int>>().withDefault { emptyList() }
    println("sum=${pts.sumOf { it.x }} m=${m.getValue("k")}")
}
'''),
    ("swift", r'''import Foundation

struct Tokenizer {
    let vocab: [String: Int]
    func encode(_ s: String) -> [Int] {
        s.split(separator: " ").compactMap { vocab[String($0)] }
    }
}

let t = Tokenizer(vocab: ["hello": 1, "world": 2])
print(t.encode("hello world"), terminator: "\n")
guard let url = URL(string: "https://example.com/a?b=c") else { fatalError() }
'''),
    ("php", r'''<?php
declare(strict_types=1);

namespace App\Http;

final class Router
{
    /** @var array<string, callable> */
    private array $routes = [];

    public function get(string $path, callable $h): void { $this->routes["GET $path"] = $h; }

    public function dispatch(string $method, string $uri): string
    {
        $key = $method . ' ' . parse_url($uri, PHP_URL_PATH);
        return isset($this->routes[$key]) ? ($this->routes[$key])() : "404 Not Found";
    }
}
echo (new Router())->dispatch($_SERVER['REQUEST_METHOD'] ?? 'GET', '/'), PHP_EOL;
'''),
    ("cmake", r'''cmake_minimum_required(VERSION 3.25)
project(seek LANGUAGES CXX)

set(CMAKE_CXX_STANDARD 20)
set(CMAKE_CXX_STANDARD_REQUIRED ON)

find_package(PkgConfig REQUIRED)
pkg_check_modules(TS REQUIRED IMPORTED_TARGET tree-sitter)

add_library(seek_engine STATIC engine/device.cc)
target_link_libraries(seek_engine PUBLIC PkgConfig::TS $<$<BOOL:${HAVE_CUDA}>:CUDA::cudart>)
if(NOT CMAKE_BUILD_TYPE)
  set(CMAKE_BUILD_TYPE RelWithDebInfo CACHE STRING "" FORCE)
endif()
'''),
    ("makefile", "CC ?= cc\nCFLAGS += -O2 -Wall -Wextra\nOBJS := $(patsubst %.c,%.o,$(wildcard src/*.c))\n\n"
                 "all: app\n\napp: $(OBJS)\n\t$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)\n\n%.o: %.c\n\t$(CC) $(CFLAGS) -c -o $@ $<\n\n"
                 ".PHONY: clean\nclean:\n\t$(RM) app $(OBJS)\n"),
    ("markdown", r'''# seek

Fast local code search with an embedded **DeepSeek V4** model.

## Build

```sh
scripts/setup.sh && cmake -S . -B build -G Ninja && ninja -C build
```

| option            | default | meaning                      |
|-------------------|---------|------------------------------|
| `SEEK_CUDA`       | auto    | build the CUDA kernels       |
| `SEEK_MAX_TOKENS` | 1048576 | context limit                |

> **Note**: the tokenizer is built from the V3 one — see `scripts/make_v4_tokenizer.py`.

1. first
2. second
   - nested *item* with `code` and a [link](https://example.com/a_(b)).
'''),
    ("latex", r'''\documentclass{article}
\usepackage{amsmath}
\begin{document}
\section{Attention}
Given $Q, K, V \in \mathbb{R}^{n \times d}$,
\begin{equation}
  \operatorname{Attn}(Q, K, V) = \operatorname{softmax}\!\left(\frac{QK^\top}{\sqrt{d}}\right) V .
\end{equation}
% comment with 100\% certainty
\end{document}
'''),
    ("diff", r'''diff --git a/engine/device.cc b/engine/device.cc
index 3f2a1b0..9c8d7e6 100644
--- a/engine/device.cc
+++ b/engine/device.cc
@@ -12,7 +12,8 @@ namespace seek::engine {
 Device::Device(int ordinal) : ordinal_(ordinal) {
-  if (ordinal < 0) throw std::invalid_argument("ordinal");
+  if (ordinal < 0)
+    throw std::invalid_argument(fmt::format("bad ordinal {}", ordinal));
 }
'''),
    ("asm", r'''	.globl	add3
	.type	add3, @function
add3:
.LFB0:
	leal	(%rdi,%rsi), %eax
	addl	%edx, %eax
	ret
	.size	add3, .-add3
	.section	.note.GNU-stack,"",@progbits
'''),
    ("log", r'''2026-04-24T09:13:07.512Z INFO  [engine] loaded 43 layers in 12.48s (284.3B params, 13.8B active)
2026-04-24T09:13:07.513Z WARN  [cuda] device 0: 79.19 GiB total, 1.02 GiB free after load
2026-04-24T09:13:08.001Z ERROR [http] 127.0.0.1:53122 "POST /v1/chat HTTP/1.1" 500 - 0.004s
Traceback (most recent call last):
  File "/usr/lib/python3.11/site-packages/app/main.py", line 88, in handle
    raise ValueError(f"bad token id {tid!r}")
ValueError: bad token id 129280
'''),
]


def code_variants(rng):
    out = []
    for lang, src in CODE:
        out.append(src)
        out.append(src.replace("\n", "\r\n"))  # CRLF
        lines = src.split("\n")
        # indentation as tabs (4 spaces -> tab) or spaces (tab -> 8 spaces)
        conv = []
        for ln in lines:
            stripped = ln.lstrip(" \t")
            ind = ln[: len(ln) - len(stripped)]
            if "\t" in ind:
                ind = ind.replace("\t", "        ")
            else:
                ind = "\t" * (len(ind) // 4) + " " * (len(ind) % 4)
            conv.append(ind + stripped)
        out.append("\n".join(conv))
        # trailing whitespace on some lines
        out.append("\n".join(ln + rng.choice(["", " ", "  ", "\t", " \t ", "   "]) for ln in lines))
        # two random slices, cut at arbitrary character offsets
        for _ in range(2):
            a = rng.randrange(0, max(1, len(src) - 1))
            b = rng.randrange(a + 1, len(src) + 1)
            out.append(src[a:b])
    return out


# --------------------------------------------------------------------------------------------
# Natural-language scripts
# --------------------------------------------------------------------------------------------

CJK = [
    "我们使用std::vector<int>来存储结果，然后调用sort()排序。",
    "深度求索公司发布了DeepSeek-V4模型，上下文长度为1M（1048576）个token。",
    "今天天气很好，我们去公园散步吧！你觉得怎么样？",
    "「你好，世界」——这是程序员的第一行代码。",
    "鬱龘齉爨麤靐𠀀𠀁𪚥𰻞（biáng）",
    "繁體中文：這是一個測試，包含「引號」與『雙引號』。",
    "中文標點符號：，。、；：？！“”‘’（）【】《》〈〉……——～·",
    "数字混排：第3章第12节，共1024页，价格￥99.50元，折扣８５％。",
    "龥龦鿐鿕鿿㐀㐁䶵䶿",  # around the 一-龥 range end and CJK Ext A
    "日本語のテキストです。ひらがな、カタカナ、漢字が混在しています。",
    "東京都渋谷区神南1-2-3　ＮＨＫ放送センター",
    "ｶﾀｶﾅﾊﾝｶｸ ﾃｷｽﾄ ｱｲｳｴｵ ｶﾞｷﾞｸﾞｹﾞｺﾞ ﾊﾟﾋﾟﾌﾟﾍﾟﾎﾟ｡｢ｶｷﾞ｣､･ｰ",
    "ゔゕゖ゛゜ゝゞゟ゠ヷヸヹヺ・ーヽヾヿ",
    "ㇰㇱㇲㇳㇴㇵㇶㇷㇸㇹㇺㇻㇼㇽㇾㇿ ㋐㋑㋒ ㍻ ㌀",
    "コンピューター・プログラミング言語「Ｃ＋＋」は1983年に登場した。",
    "吾輩は猫である。名前はまだ無い。どこで生れたかとんと見当がつかぬ。",
    "한국어 텍스트입니다. 안녕하세요! 만나서 반갑습니다.",
    "서울특별시 강남구 테헤란로 123, 4층 (우: 06234)",
    "각 ᄒᆞᆫ글 옛한글: ᄒᆞᆫ ᄆᆞᆯ",
    "ㄱㄴㄷㄹㅁㅂㅅㅇㅈㅊㅋㅌㅍㅎ ㅏㅑㅓㅕㅗㅛㅜㅠㅡㅣ",
    "混合한국어와日本語と中文mixed with English words and 123 numbers.",
    "全角英数字：ＡＢＣＤＥＦＧ ａｂｃｄｅｆｇ ０１２３４５６７８９ ！＂＃＄％＆＇（）＊＋，－．／",
    "〇一二三四五六七八九十百千万亿",
    "㊀㊁㊂ ㈠㈡㈢ ⼀⼁⼂ ⺀⺁⺂ 豈更車",
    "\u3000全角空格\u3000\u3000分隔\u3000",
    "中文\n换行\r\n以及\t制表符",
    "这是一段很长的中文文本，用来测试分词器在处理长串汉字时的行为，" * 8,
    "ありがとうございます" * 12,
]

EMOJI = [
    "😀", "😀😃😄😁😆😅🤣😂", "👍🏻👍🏼👍🏽👍🏾👍🏿", "👨‍👩‍👧‍👦", "👩🏽‍💻 writes code", "🧑🏿‍🤝‍🧑🏻",
    "🏳️‍🌈🏳️‍⚧️🏴‍☠️", "🇯🇵🇺🇸🇨🇳🇰🇷🇩🇪🇫🇷🇧🇷🇮🇳", "🇺🇸🇦", "🏴󠁧󠁢󠁳󠁣󠁴󠁿 🏴󠁧󠁢󠁷󠁬󠁳󠁿", "1️⃣2️⃣3️⃣#️⃣*️⃣🔟",
    "❤️ vs ❤︎ vs ❤", "☺️☺︎☺", "Ship it 🚀🚀🚀!!!", "status: ✅ passed, ❌ failed, ⚠️ warning",
    "🤷‍♂️🤷‍♀️🤷", "👁️‍🗨️", "🫠🫥🫨🩷🪿", "😀 😀  😀   😀", "emoji👍in👍words", "😀\n😀\r\n😀\t😀",
    "🎉🎊🎈🎁🎀🎂🍰🧁", "🐍 Python 🦀 Rust 🐹 Go ☕ Java", "💯%", "⌚⌛⏩⏰☔☕♈♿⚓⚡⚪⛄⛎⛔⛪⛲⛳⛵⛺⛽",
    "🇦", "🇦🇦🇦", "😀" * 64,
]

COMBINING = [
    "e\u0301 é \u00e9 e\u0301\u0302 a\u0308\u0304",
    "Z\u0351\u036b\u0343\u036a\u0302\u036b\u033d\u034f\u0334\u0319\u0324\u031e\u0349\u035a\u032f\u031e\u0320\u034dA\u036b\u0357\u0334\u0362\u0335\u031c\u0330\u0354L\u0368\u0367\u0369\u0358\u0320G\u0311\u0357\u030e\u0305\u035b\u0341\u0334\u033b\u0348\u034d\u0354\u0339O\u0342\u030c\u030c\u0358\u0328\u0335\u0339\u033b\u031d\u0333",
    "Tiếng Việt có rất nhiều dấu: ắ ằ ẳ ẵ ặ ấ ầ ẩ ẫ ậ ố ồ ổ ỗ ộ ớ ờ ở ỡ ợ ứ ừ ử ữ ự",
    "Tie\u0302\u0301ng Vie\u0323\u0302t (decomposed)",
    " \u0301 leading combining after space",
    "1\u0301 2\u20e3 #\u20e3 a\u20dd \u20dd",
    "!\u0301?\u0308.\u0327",
    "\u0300\u0301\u0302\u0303\u0304",
    "ａ\u0301ｂ\u0308",
    "x\u0338 = y\u20d7, f\u0307(t), A\u0332B\u0332C\u0332",
    "\u212b \u00c5 A\u030a",  # angstrom sign, precomposed, decomposed
    "ﬁ ﬂ ﬀ ﬃ ﬄ ﬅ ﬆ Ǆ ǅ ǆ Ǳ ǲ ǳ ŉ",
    "ß ẞ İ ı ſ ﬀ Σσς ǰ ΐ",
    "क्षत्रज्ञ श्री द्विवेदी",
    "\u093f\u0915 (vowel sign before consonant)",
    "ก\u0e48\u0e49\u0e4a\u0e4b\u0e4c",
    "עִבְרִית עם נִקּוּד",
    "بِسْمِ اللَّهِ الرَّحْمَٰنِ الرَّحِيمِ",
    "Hangul NFD: \u1112\u1161\u11ab\u1100\u1173\u11af",
    "variation: 葛\U000e0100 辻\U000e0101 ⛩\ufe0f ⛩\ufe0e",
]

SCRIPTS = [
    "مرحبا بالعالم! هذا نص عربي للاختبار.",
    "العدد ١٢٣٤٥٦٧٨٩٠ والعدد 1234567890 والنسبة ٪٥٠",
    "Mixed: the word مرحبا means hello, and שלום too.",
    "\u202bRLE text\u202c \u202eRLO override\u202c \u200fRLM\u200e LRM \u2067isolate\u2069",
    "ۋە ئۇيغۇرچە ھەرپلەر پ چ ژ گ ۆ ۈ",
    "فارسی: ۰۱۲۳۴۵۶۷۸۹ کتاب‌ها (ZWNJ)",
    "עברית: שלום עולם! מספר 42 ו-3.14",
    "हिन्दी: नमस्ते दुनिया। यह एक परीक्षण है। ०१२३४५६७८९",
    "বাংলা: আমি বাংলায় গান গাই। ০১২৩৪৫৬৭৮৯",
    "தமிழ்: வணக்கம் உலகம் ௦௧௨௩",
    "తెలుగు ಕನ್ನಡ മലയാളം ગુજરાતી ਪੰਜਾਬੀ ଓଡ଼ିଆ සිංහල",
    "ภาษาไทยไม่มีการเว้นวรรคระหว่างคำ ๐๑๒๓๔๕๖๗๘๙",
    "ພາສາລາວ ໐໑໒໓",
    "ភាសាខ្មែរ ០១២៣",
    "မြန်မာဘာသာ ၀၁၂၃",
    "བོད་ཡིག་ ༠༡༢༣",
    "ქართული ენა — Ⴀ Ⴁ Ⴂ",
    "Հայերեն լեզու",
    "Ελληνικά: Καλημέρα κόσμε! ἀρχὴ ᾅδης ῥήτωρ",
    "Русский: Съешь же ещё этих мягких французских булок, да выпей чаю. Ёё Ґґ Її",
    "Українська, Беларуская, Српски, Македонски, Български",
    "አማርኛ ፊደል ፩፪፫",
    "ᏣᎳᎩ ᎦᏬᏂᎯᏍᏗ",
    "ᠮᠣᠩᠭᠣᠯ\u180eᠪᠢᠴᠢᠭ",
    "ᚠᚢᚦᚨᚱᚲ ᚷᚹᚺᚾ ᛁᛃ",
    "𐌰𐌱𐌲 𐍈 𐎀𐎁𐎂 𓀀𓀁𓂀 𒀀𒀁",
    "Ꭰ Ᏸ ꮰ ꭰ",
    "Türkçe: İstanbul'da ığdır, ŞŞş, Ğğ. Polski: Zażółć gęślą jaźń. Čeština: Příliš žluťoučký kůň.",
    "Deutsch: Größenordnung, Straße, Äpfel. Français: Ça va? «Très bien», l’été. Español: ¿Qué tal? ¡Olé!",
    "Íslenska: Þetta er ðað. Dansk: Æble, Øre, Ål. Cymraeg: ŵŷ",
]

# --------------------------------------------------------------------------------------------
# Whitespace, digits, special tokens, punctuation
# --------------------------------------------------------------------------------------------


def whitespace_items(rng):
    out = []
    for n in (1, 2, 3, 4, 5, 7, 8, 15, 16, 17, 31, 32, 33, 63, 64, 100, 257):
        out.append("a" + " " * n + "b")
    for n in (1, 2, 3, 4, 8, 16):
        out.append("x" + "\t" * n + "y")
        out.append("\t" * n + "indented")
    out += [
        " ", "  ", "   ", "\t", "\n", "\r", "\r\n", "\n\n", "\r\n\r\n", "\n\r", "\r\r\n", "\n \n", " \n ",
        "trailing   \nspaces \t \nhere  \r\n",
        "   leading spaces", "trailing spaces   ", "\n\nleading newlines", "trailing newlines\n\n\n",
        "a \n b \n  c \n   d", "x\n    \n    \ny", "if x:\n    \n    return 1\n",
        "word\u00a0nbsp\u00a0\u00a0double", "\u00a0\u00a0\u00a0leading nbsp", "a\u00a0\nb",
        "ideographic\u3000space\u3000\u3000x", "\u3000\u3000\u3000",
        "en\u2002em\u2003thin\u2009hair\u200afigure\u2007punct\u2008three\u2004four\u2005six\u2006quad\u2000\u2001",
        "narrow\u202fnbsp math\u205fspace ogham\u1680mark",
        # U+0085 is \s for Oniguruma (White_Space) but not for JS RegExp; U+FEFF the other way round.
        "x \u0085", "a \u0085\n b", "x  \u0085", "  \u0085  x", "\t\u0085", "\u0085\u0085\u0085", "a\u0085\u0085 b",
        "x \ufeff", "a \ufeff\ufeff b", "\t\ufeff\n",
        "NEL\u0085next line", "line\u2028separator", "para\u2029separator", "a \u0085 b", " \u2028 ",
        "zero\u200bwidth\u200cnon\u200djoiner", "bom\ufeffinside", "\ufeffleading bom", "a \ufeff b", "\ufeff \ufeff",
        "mongolian\u180evowel separator", "a \u180e b",
        "vertical\x0btab\x0cform feed", "\x0b\x0c \x0b", "\x1c\x1d\x1e\x1f separators",
        " \t \t\t  \t", "\r\n \r\n\t\r\n", " \r \r", "a\r\nb\rc\nd",
        "mixed \u00a0\u3000\t \u2003 \n\u00a0 end",
        "x" + " " * 50 + "\n" + "\t" * 10 + "y",
        " " * 1000,
        "\n" * 200,
        "\r\n" * 100,
        " \n" * 100,
        "\t" * 300,
    ]
    ws = [" ", "  ", "\t", "\n", "\r\n", "\u00a0", "\u3000", " \n", "\n\n", "    ", "\u2003", "\r"]
    words = ["foo", "bar", "数据", "Ü", "42", "!", "<｜User｜>", "x", "😀", "é"]
    for _ in range(30):
        out.append("".join(rng.choice(words) + "".join(rng.choice(ws) for _ in range(rng.randrange(1, 4)))
                           for _ in range(rng.randrange(3, 12))))
    return out


def digit_items(rng):
    out = []
    for n in list(range(1, 21)) + [24, 25, 31, 32, 33, 47, 64, 99, 100, 101, 256]:
        out.append("".join(str(rng.randrange(10)) for _ in range(n)))
    out += [
        "1234567890" * 10,
        "x = 12345678901234567890;", "v1.2.3-rc.4+build.5678", "0xDEADBEEF 0xdeadbeef 0b1010 0o777 1e-9 6.022e23",
        "3.14159265358979323846264338327950288", "1,234,567.89  1.234.567,89  1 234 567  12'345'678",
        "2026-04-24T09:13:07.512+08:00", "+1 (555) 010-9999", "192.168.0.1:8080 [::1]:443",
        "-1 -12 -123 -1234 +5 ±7", "a1b22c333d4444e55555", "x1 x12 x123 x1234", "1st 2nd 3rd 4th 100th",
        "٠١٢٣٤٥٦٧٨٩ ۰۱۲۳۴۵۶۷۸۹", "०१२३४५६७८९ ০১২৩৪৫৬৭৮৯", "๐๑๒๓๔๕๖๗๘๙ ໐໑໒໓໔", "０１２３４５６７８９ １２３４５",
        "𝟎𝟏𝟐𝟑𝟒𝟓𝟔𝟕𝟖𝟗 𝟘𝟙𝟚𝟛 𝟬𝟭𝟮", "x² + y³ = z¹⁰ ⁰¹²³⁴⁵⁶⁷⁸⁹", "H₂O C₆H₁₂O₆ ₀₁₂₃₄₅₆₇₈₉",
        "½ ⅓ ⅔ ¼ ¾ ⅕ ⅖ ⅗ ⅘ ⅙ ⅚ ⅛ ⅜ ⅝ ⅞ ⅟ ↉ ⅐ ⅑ ⅒", "1½ cups, 2¾ inches, 10⅞",
        "Ⅰ Ⅱ Ⅲ Ⅳ Ⅴ Ⅵ Ⅶ Ⅷ Ⅸ Ⅹ Ⅺ Ⅻ Ⅼ Ⅽ Ⅾ Ⅿ ⅰⅱⅲⅳⅴ ↀↁↂ", "ⅫⅫⅫⅫ", "Chapter Ⅻ, section ⅳ",
        "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳ ⑴⑵⑶ ⒈⒉⒊ ❶❷❸ ➀➁➂", "〇〡〢〣〤〥〦〧〨〩 〸〹〺",
        "𐄇𐄈𐄉 𐏑𐏒 𒐀𒐁 𝍠𝍡", "፩፪፫፬፭ ௰௱௲ ൰൱", "١٢٣abc٤٥٦", "12३४56", "1２3４5", "1²3⁴5½6",
        "$1,000,000.00 €99,99 ¥10000 £5 ₹1,00,000 ₿0.00012345", "100% 50‰ 3‱", "2^64 = 18446744073709551616",
        "1\n22\n333\n4444\n55555", "1 22 333 4444 55555 666666", "1\t2\t3\t\t4",
    ]
    for _ in range(20):
        n = rng.randrange(1, 13)
        digits = rng.choice(["0123456789", "٠١٢٣٤٥٦٧٨٩", "०१२३४५६७८९", "０１２３４５６７８９", "①②③④⑤⑥⑦⑧⑨⑩", "½⅓¼⅕Ⅻ²³"])
        out.append("".join(rng.choice(digits + "0123456789") for _ in range(n)) + rng.choice(["", " ", "a", ".", "\n", "中"]))
    return out


V4_TOKENS = ["<think>", "</think>", "｜DSML｜", "<｜latest_reminder｜>", "<｜action｜>", "<｜query｜>",
             "<｜authority｜>", "<｜domain｜>", "<｜title｜>", "<｜extracted_url｜>", "<｜read_url｜>"]
V3_TOKENS = ["<｜begin▁of▁sentence｜>", "<｜end▁of▁sentence｜>", "<｜▁pad▁｜>", "<｜fim▁hole｜>", "<｜fim▁begin｜>",
             "<｜fim▁end｜>", "<｜User｜>", "<｜Assistant｜>", "<|EOT|>", "<｜tool▁calls▁begin｜>",
             "<｜tool▁calls▁end｜>", "<｜tool▁call▁begin｜>", "<｜tool▁call▁end｜>", "<｜tool▁outputs▁begin｜>",
             "<｜tool▁outputs▁end｜>", "<｜tool▁output▁begin｜>", "<｜tool▁output▁end｜>", "<｜tool▁sep｜>"]


def special_items(rng):
    out = list(V4_TOKENS) + list(V3_TOKENS)
    out += [
        "<｜User｜>你好<｜Assistant｜><think>推理</think>答案<｜end▁of▁sentence｜>",
        "Hello!",
        "".join(V4_TOKENS), "".join(V3_TOKENS), " ".join(V4_TOKENS + V3_TOKENS), "\n".join(V4_TOKENS),
        "<think></think>", "</think><think>", "<think><think></think></think>", "<<think>>", "<</think>>",
        " <think> ", "\n<think>\n", "abc<think>def</think>ghi", "123<think>456", "中文<think>中文",
        "<think>\n\nLet me reason about this step by step.\n\n1. First...\n</think>\n\nThe answer is 42.",
        # near misses: ASCII bars, missing bits, spaces, case, look-alike brackets
        "<｜User|>", "<|User｜>", "<|User|>", "<｜User｜", "｜User｜>", "<｜user｜>", "< ｜User｜>", "<｜User ｜>",
        "<｜Us er｜>", "<｜User｜｜>", "<<｜User｜>>", "<｜<｜User｜>｜>", "＜｜User｜＞", "〈｜User｜〉",
        "<think >", "< think>", "<THINK>", "<Think>", "</ think>", "<think/>", "<thinking>", "</thinks>", "<thin k>",
        "|DSML|", "｜DSML", "DSML｜", "｜dsml｜", "｜ DSML｜", "｜DSML｜｜DSML｜", "｜｜DSML｜｜",
        "<｜DSML｜tool_calls>", "</｜DSML｜tool_calls>",
        "<｜begin_of_sentence｜>", "<｜begin of sentence｜>", "<|begin▁of▁sentence|>", "<｜end▁of▁sentence｜", "▁", "▁▁▁",
        "<｜place▁holder▁no▁0｜>", "<｜place▁holder▁no▁798｜>", "<｜place▁holder▁no▁799｜>", "<｜place▁holder▁no▁815｜>",
        "<｜place▁holder▁no▁843｜>", "<｜place▁holder▁no▁846｜>", "<｜place▁holder▁no▁1279｜>",
        "<｜latest_reminder｜>2026-02-21,星期六,广州,App,中文",
        "<｜User｜>世界著名温泉有哪些<｜Assistant｜></think><｜action｜>Search<｜end▁of▁sentence｜>",
        "<｜User｜>summarize https://example.com/a?b=1<｜query｜>example<｜authority｜><｜domain｜><｜read_url｜>",
        "<｜end▁of▁sentence｜><｜title｜>Hot springs of the world<｜end▁of▁sentence｜>",
        "<｜extracted_url｜>https://example.com/page#frag",
        "<｜fim▁begin｜>def add(a, b):\n    <｜fim▁hole｜>\n\nprint(add(1, 2))<｜fim▁end｜>",
        "<｜tool▁calls▁begin｜><｜tool▁call▁begin｜>function<｜tool▁sep｜>get_weather\n```json\n{\"city\": \"Paris\"}\n```<｜tool▁call▁end｜><｜tool▁calls▁end｜>",
        "The tag <think> starts reasoning and </think> ends it; ｜DSML｜ marks tool calls.",
        "html: <div><think>not html</think></div>",
        "<｜begin▁of▁sentence｜><｜begin▁of▁sentence｜>", "<｜User｜><｜User｜><｜User｜>",
    ]
    # random splices of special tokens into text
    fill = ["hello", " world", "\n", "数据", "😀", "  ", "42", "<", ">", "｜", "|", "think", "/", "▁", "User"]
    toks = V4_TOKENS + V3_TOKENS
    for _ in range(40):
        out.append("".join(rng.choice(toks) if rng.random() < 0.35 else rng.choice(fill)
                           for _ in range(rng.randrange(2, 14))))
    return out


def punct_items(rng):
    out = [
        "!!!", "???", "?!?!", "...", "…", "……", "——", "--", "---", "–—―", "、。，", "！？。", "<<=>>=", "->", "=>",
        "::", "&&||", "!==", "===", "**/", "/**", "//", "#!/bin/bash", "/* */", "```", "```python\n", "~~~", "@@@",
        "#include", "@param", "$var", "%d", ".foo", "..bar", "-flag", "--long-option=value", "__init__", "_private",
        "`code`", "\"quoted\"", "'single'", "«guillemets»", "„low“", "‹›", "¿¡", "§¶†‡•", "©®™℠", "°′″‴",
        "≤≥≠≈∞∑∏∫√∂∇∈∉⊂⊃∪∩∧∨¬∀∃", "←↑→↓↔⇐⇒⇔", "♠♣♥♦★☆", "┌─┬─┐\n│ │ │\n└─┴─┘", "░▒▓█▄▀",
        "https://example.com/path/to/page?query=1&x=y#section", "user.name+tag@example.co.uk", "C:\\Users\\me\\file.txt",
        "/usr/local/lib/python3.11/site-packages/", "../../a/b/./c", "~/.config/seek/config.toml",
        "$ echo \"$HOME\" | tr -d '\\n' > /dev/null 2>&1 &", "a+b*c-d/e%f^g", "f(x)=x²;g(x)=∑ᵢxᵢ",
        "!\n", "!\n\n\n", "?\r\n", ".\r\n\r\n", ") {\n", "};\n\n", "]]\n", " !!!\n", " ...\n\n",
        "((((((((((", "))))))))))", "[[[]]]", "{{{}}}", "<><><>", "\\\\\\\\", "////////", "||||||||", "________",
        "========================================", "----------------------------------------", "*" * 80, "#" * 60,
        "a.b.c.d.e", "a,b,c,d,e", "a;b;c", "a:b:c", "(a)(b)(c)", "'a' \"b\" `c`", "x!y?z", "snake_case_name",
        "kebab-case-name", "CamelCaseName", "SCREAMING_SNAKE", "dot.separated.name", "::std::vector",
        "\"Hello,\" she said. \"Good-bye!\"", "Wait... what?! No—never.", "¡¿Qué?!", "。。。", "；：", "～～",
    ]
    pun = list("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~") + ["…", "—", "、", "。", "「", "」", "•", "→", "€", "©", "\u00ad"]
    for _ in range(20):
        out.append("".join(rng.choice(pun) for _ in range(rng.randrange(1, 20))) +
                   rng.choice(["", "abc", " abc", "\n", "\r\n\r\n", "中", "1"]))
    return out


# --------------------------------------------------------------------------------------------
# Random Unicode
# --------------------------------------------------------------------------------------------

# Ranges assigned in Unicode 7.0 and later (no unassigned code points), weights in the 3rd field.
RANGES = [
    (0x0021, 0x007E, 10), (0x00A1, 0x00FF, 4), (0x0100, 0x024F, 3), (0x0250, 0x02FF, 2), (0x0300, 0x036F, 2),
    (0x0391, 0x03A1, 1), (0x03A3, 0x03C9, 1), (0x0400, 0x04FF, 3), (0x0531, 0x0556, 1), (0x05D0, 0x05EA, 1),
    (0x05B0, 0x05BD, 1), (0x0621, 0x063A, 2), (0x0641, 0x0652, 2), (0x0660, 0x0669, 1), (0x0905, 0x0939, 2),
    (0x093E, 0x094D, 1), (0x0966, 0x096F, 1), (0x0E01, 0x0E3A, 2), (0x0E3F, 0x0E5B, 1), (0x10D0, 0x10FA, 1),
    (0x1100, 0x1159, 1), (0x1E00, 0x1EFF, 2), (0x2010, 0x2027, 2), (0x2030, 0x205E, 2), (0x20A0, 0x20B5, 1),
    (0x2100, 0x214F, 1), (0x2150, 0x2188, 1), (0x2190, 0x22FF, 2), (0x2300, 0x23E7, 1), (0x2460, 0x24FF, 1),
    (0x2500, 0x25FF, 1), (0x2600, 0x26FF, 2), (0x2701, 0x27BF, 1), (0x2800, 0x28FF, 1), (0x3001, 0x303F, 2),
    (0x3041, 0x3096, 3), (0x30A1, 0x30FA, 3), (0x3131, 0x318E, 1), (0x4E00, 0x9FCB, 8), (0x3400, 0x4DB5, 1),
    (0xAC00, 0xD7A3, 4), (0xE000, 0xF8FF, 1), (0xFF01, 0xFF5E, 2), (0xFF61, 0xFF9F, 1), (0x10000, 0x1000B, 1),
    (0x10300, 0x1031E, 1), (0x1D400, 0x1D454, 1), (0x1F300, 0x1F5FF, 3), (0x1F600, 0x1F64F, 3),
    (0x1F680, 0x1F6C5, 1), (0x1F1E6, 0x1F1FF, 1), (0x20000, 0x2A6D6, 2), (0xF0000, 0xF00FF, 1),
    (0x0001, 0x001F, 1), (0x007F, 0x009F, 1), (0x2000, 0x200F, 1), (0x2028, 0x202F, 1), (0xFE00, 0xFE0F, 1),
    (0xE0020, 0xE007F, 1), (0x0030, 0x0039, 3), (0x0020, 0x0020, 8), (0x000A, 0x000A, 2),
]


def random_items(rng, count):
    total = sum(w for _, _, w in RANGES)
    out = []
    for i in range(count):
        n = rng.randrange(1, 12) if i % 4 == 0 else rng.randrange(8, 120)
        # each string leans on a few blocks, like real mixed text
        local = [rng.choice(RANGES) for _ in range(rng.randrange(1, 5))]
        chars = []
        for _ in range(n):
            if rng.random() < 0.7:
                lo, hi, _w = rng.choice(local)
            else:
                r = rng.randrange(total)
                for lo, hi, w in RANGES:
                    if r < w:
                        break
                    r -= w
            chars.append(chr(rng.randrange(lo, hi + 1)))
        out.append("".join(chars))
    return out


def check(s):
    for c in s:
        o = ord(c)
        assert not 0xD800 <= o <= 0xDFFF, "surrogate"
        assert not (0xFDD0 <= o <= 0xFDEF or (o & 0xFFFE) == 0xFFFE), "noncharacter"


def build():
    rng = random.Random(SEED)
    items = ["", "a", "A", "0", " a", "a ", "\x00", "\x00a\x00", "\x7f", "a" * 3000, "ab" * 1000,
             "=" * 200, "你" * 300, "ア" * 300, "😀" * 100, "Supercalifragilisticexpialidocious" * 20,
             "x" * 10 + "\n" + "y" * 10, "\ufffd", "\ufffd\ufffd", "\U0010fffd", "\U000f0000"]
    items += code_variants(rng)
    items += CJK + EMOJI + COMBINING + SCRIPTS
    items += whitespace_items(rng)
    items += digit_items(rng)
    items += special_items(rng)
    items += punct_items(rng)
    items += GOLDEN_PROMPTS
    items += random_items(rng, 160)
    for s in items:
        check(s)
    return items


def dump(s):
    line = json.dumps(s, ensure_ascii=False)
    return line.replace("\u0085", "\\u0085").replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")


# Verbatim: ../shared/spec/encoding-tests/test_output_{1..4}.txt, the golden prompts of the official
# DeepSeek-V4 encoding tests (DeepSeek-V4-Flash encoding/tests, MIT license).
GOLDEN_PROMPTS = []  # filled in below


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--out", default=os.path.join(os.path.dirname(os.path.abspath(__file__)), "corpus.jsonl"))
    args = ap.parse_args()
    items = build()
    text = "".join(dump(s) + "\n" for s in items)
    tmp = args.out + ".tmp"
    with open(tmp, "w", encoding="utf-8", newline="") as f:
        f.write(text)
    os.replace(tmp, args.out)
    print(f"{args.out}: {len(items)} strings, {len(text.encode('utf-8'))} bytes")


# GOLDEN_PROMPTS_BEGIN
# test_output_1.txt
GOLDEN_PROMPTS.append("""<｜begin▁of▁sentence｜>You are a helpful assistant.

## Tools

You have access to a set of tools to help answer the user's question. You can invoke tools by writing a "<｜DSML｜tool_calls>" block like the following:

<｜DSML｜tool_calls>
<｜DSML｜invoke name="$TOOL_NAME">
<｜DSML｜parameter name="$PARAMETER_NAME" string="true|false">$PARAMETER_VALUE</｜DSML｜parameter>
...
</｜DSML｜invoke>
<｜DSML｜invoke name="$TOOL_NAME2">
...
</｜DSML｜invoke>
</｜DSML｜tool_calls>

String parameters should be specified as is and set `string="true"`. For all other types (numbers, booleans, arrays, objects), pass the value in JSON format and set `string="false"`.

If thinking_mode is enabled (triggered by <think>), you MUST output your complete reasoning inside <think>...</think> BEFORE any tool calls or final response.

Otherwise, output directly after </think> with tool calls or final response.

### Available Tool Schemas

{"name": "get_weather", "description": "Get the weather for a specific location", "parameters": {"type": "object", "properties": {"location": {"type": "string", "description": "The city name"}, "unit": {"type": "string", "enum": ["celsius", "fahrenheit"], "description": "Temperature unit"}}, "required": ["location"]}}
{"name": "search", "description": "Search the web for information", "parameters": {"type": "object", "properties": {"query": {"type": "string", "description": "Search query"}, "num_results": {"type": "integer", "description": "Number of results to return"}}, "required": ["query"]}}

You MUST strictly follow the above defined tool name and parameter schemas to invoke tool calls.
<｜User｜>What's the weather in Beijing?<｜Assistant｜><think>The user wants to know the weather in Beijing. I should use the get_weather tool.</think>

<｜DSML｜tool_calls>
<｜DSML｜invoke name="get_weather">
<｜DSML｜parameter name="location" string="true">Beijing</｜DSML｜parameter>
<｜DSML｜parameter name="unit" string="true">celsius</｜DSML｜parameter>
</｜DSML｜invoke>
</｜DSML｜tool_calls><｜end▁of▁sentence｜><｜User｜><tool_result>{"temperature": 22, "condition": "sunny", "humidity": 45}</tool_result><｜Assistant｜><think>Got the weather data. Let me format a nice response.</think>The weather in Beijing is currently sunny with a temperature of 22°C and 45% humidity.<｜end▁of▁sentence｜>""")
# test_output_2.txt
GOLDEN_PROMPTS.append("""<｜begin▁of▁sentence｜>You are a helpful assistant.<｜User｜>Hello<｜Assistant｜></think>Hi there! How can I help you?<｜end▁of▁sentence｜><｜User｜>What is the capital of France?<｜Assistant｜><think>The user asks about the capital of France. It is Paris.</think>The capital of France is Paris.<｜end▁of▁sentence｜>""")
# test_output_3.txt
GOLDEN_PROMPTS.append("""<｜begin▁of▁sentence｜>该助手为DeepSeek，由深度求索公司创造。<｜latest_reminder｜>2026-02-21,星期六,广州,App,中文<｜User｜>小柴胡冲剂和布洛芬能一起吃吗？

CITATION FORMAT: 【{cursor_id}†L{start_line_id}(-L{end_line_id})?】

## Tools

You have access to a set of tools to help answer the user's question. You can invoke tools by writing a "<｜DSML｜tool_calls>" block like the following:

<｜DSML｜tool_calls>
<｜DSML｜invoke name="$TOOL_NAME">
<｜DSML｜parameter name="$PARAMETER_NAME" string="true|false">$PARAMETER_VALUE</｜DSML｜parameter>
...
</｜DSML｜invoke>
<｜DSML｜invoke name="$TOOL_NAME2">
...
</｜DSML｜invoke>
</｜DSML｜tool_calls>

String parameters should be specified as is and set `string="true"`. For all other types (numbers, booleans, arrays, objects), pass the value in JSON format and set `string="false"`.

If thinking_mode is enabled (triggered by <think>), you MUST output your complete reasoning inside <think>...</think> BEFORE any tool calls or final response.

Otherwise, output directly after </think> with tool calls or final response.

### Available Tool Schemas

{"name": "search", "description": "Web search. Split multiple queries with '||'.", "parameters": {"type": "object", "properties": {"queries": {"type": "string", "description": "query1||query2"}}, "required": ["queries"], "additionalProperties": false, "$schema": "http://json-schema.org/draft-07/schema#"}}
{"name": "open", "description": "Batch open IDs (format 【{id}†...】) or URLs.", "parameters": {"type": "object", "properties": {"open_list": {"type": "array", "items": {"type": "object", "properties": {"id": {"description": "ID or URL", "anyOf": [{"type": "integer"}, {"type": "string"}], "default": -1}, "cursor": {"type": "integer", "description": "", "default": -1}, "loc": {"type": "integer", "description": "Start line", "default": -1}, "num_lines": {"type": "integer", "description": "", "default": -1}, "view_source": {"type": "boolean", "description": "", "default": false}}, "additionalProperties": false}, "description": ""}}, "required": ["open_list"], "additionalProperties": false, "$schema": "http://json-schema.org/draft-07/schema#"}}
{"name": "find", "description": "Find exact text pattern in pages.", "parameters": {"type": "object", "properties": {"find_list": {"type": "array", "items": {"type": "object", "properties": {"pattern": {"type": "string", "description": ""}, "cursor": {"type": "integer", "description": "", "default": -1}}, "required": ["pattern"], "additionalProperties": false}, "description": ""}}, "required": ["find_list"], "additionalProperties": false, "$schema": "http://json-schema.org/draft-07/schema#"}}

You MUST strictly follow the above defined tool name and parameter schemas to invoke tool calls.
<｜Assistant｜><think>用户想知道小柴胡冲剂和布洛芬能否一起服用。</think>

<｜DSML｜tool_calls>
<｜DSML｜invoke name="search">
<｜DSML｜parameter name="queries" string="true">小柴胡冲剂 布洛芬 相互作用 一起吃</｜DSML｜parameter>
</｜DSML｜invoke>
</｜DSML｜tool_calls><｜end▁of▁sentence｜><｜User｜><tool_result>[0]</tool_result><｜Assistant｜><think>现在开始组织回答。</think>请及时就医。<｜end▁of▁sentence｜>""")
# test_output_4.txt
GOLDEN_PROMPTS.append("""<｜begin▁of▁sentence｜>该助手为DeepSeek-V3，由深度求索公司创造。
今天是2025年10月17日，星期五。<｜latest_reminder｜>2024-11-15,上海市,App,中文<｜User｜>热海大滚锅是世界著名温泉吗<｜Assistant｜></think>关于热海大滚锅是否是世界著名温泉，可以这样总结：它在**中国乃至全球的地热奇观中占有重要地位**，但“世界著名”的称号更侧重于它作为**独特的地质现象和旅游景点**，而非普遍的温泉疗养体验。

为了让你快速了解，我整理了一个简要的表格：

| 维度 | 热海大滚锅的地位与特点 |
| :--- | :--- |
| **地质奇观** | **世界罕见**的高温地热系统，泉眼多、水温高、形态多样。 |
| **国内声誉** | **中国三大地热区之一**，**国家5A级旅游景区**，自古闻名（徐霞客曾游历并记载）。 |
| **国际知名度** | 在一些旅游平台被提及为“世界六大温泉”之一，但此说法流传不广，其国际声誉更多建立在地质独特性上。 |
| **核心体验** | **观赏地热奇观**（如97℃沸腾的“大滚锅”）、**体验温泉煮鸡蛋**。 |

### 💡 游玩攻略与温馨提示

如果你计划前往热海大滚锅，这里有一些实用信息供你参考：

- **门票与开放时间**：
    - **门票**：景区门票约为**50元/人**。如果选择包含温泉沐浴的套餐，价格会更高，例如约**288元**。
    - **开放时间**：景区一般**08:00-18:00**开放，但具体时间可能变动，建议提前核实。

- **特色体验**：
    - **温泉煮鸡蛋**：这几乎是必试项目。可以在景区门口购买用草绳串起的生鸡蛋（约5-8元/串），然后到“大滚锅”旁的指定区域蒸煮，几分钟便可熟食，趣味十足。
    - **金汤足浴**：可以直接用从“大滚锅”流出的温泉水泡脚，缓解旅途疲劳。

- **注意事项**：
    - **安全第一**：“大滚锅”水温极高，务必遵守游览规则，在指定区域内观赏，切勿随意触碰泉水。
    - **规划行程**：建议为热海景区预留**3-4小时**的游览时间。景区内步道不走回头路，出入口有观光车接送。

希望这些信息能帮助你更好地了解热海大滚锅。如果你对腾冲的其他景点或者行程规划有更多疑问，我很乐意提供进一步的信息。<｜end▁of▁sentence｜><｜User｜>世界著名温泉有哪些<｜Assistant｜></think><｜action｜>Search<｜end▁of▁sentence｜>""")
# GOLDEN_PROMPTS_END

if __name__ == "__main__":
    main()
