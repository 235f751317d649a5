#!/usr/bin/env python3
"""Live differential test: seek's tokenizer against HF tokenizers (the Rust crate, through the
npm napi build) on strings made fresh for this run.

The strings are random splices of the committed corpus and of this repository's own source
files, cut at random code points, plus random whitespace/digit/special-token runs, so every
run (and every --seed) tests inputs that no committed expectation covers. Both sides encode
with no BOS and recognise special tokens; seek must also decode its ids back to the input.

    tokenizer_reference_test.py --seek build/seek --tokenizer build/share/seek/tokenizer.json
        [--count N] [--seed S]

Exit 0 on agreement, 1 on a difference, 77 (ctest's skip code here) when node or the
reference package is missing.
"""
import argparse
import json
import os
import random
import shutil
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
REFERENCE = os.path.join(ROOT, "tests", "engine", "tokenizer", "reference_tokenize.mjs")
SPECIALS = ["<｜User｜>", "<｜Assistant｜>", "<think>", "</think>", "｜DSML｜", "<｜end▁of▁sentence｜>",
            "<｜fim▁begin｜>", "<｜fim▁hole｜>", "<｜fim▁end｜>", "<｜latest_reminder｜>", "<｜User|>", "<think"]
RUNS = [" ", "  ", "\t", "\n", "\r\n", " \n", "\u00a0", "\u3000", "0", "7", "٣", "½", "_", "->", "::", "{", "}"]


def source_texts():
    texts = []
    for folder in ("engine", "daemon", "lsp", "scripts", "tests/data/chat"):
        for dirpath, _, files in os.walk(os.path.join(ROOT, folder)):
            for name in sorted(files):
                if name.endswith((".cc", ".h", ".cu", ".py", ".sh", ".md", ".json", ".mjs", "CMakeLists.txt")):
                    try:
                        with open(os.path.join(dirpath, name), encoding="utf-8") as f:
                            texts.append(f.read()[:20000])
                    except (UnicodeDecodeError, OSError):
                        pass
    with open(os.path.join(ROOT, "tests", "data", "tokenizer", "corpus.jsonl"), encoding="utf-8") as f:
        texts.extend(json.loads(line) for line in f if line.strip())
    return [t for t in texts if t]


def make_strings(rng, count):
    texts = source_texts()
    out = []
    for _ in range(count):
        parts = []
        for _ in range(rng.randint(1, 4)):
            roll = rng.random()
            if roll < 0.6:
                t = rng.choice(texts)
                a = rng.randrange(len(t))
                parts.append(t[a:a + rng.randint(1, 400)])
            elif roll < 0.8:
                parts.append(rng.choice(RUNS) * rng.randint(1, 40))
            else:
                parts.append(rng.choice(SPECIALS))
        out.append("".join(parts))
    return out


def run(cmd, lines):
    data = "".join(json.dumps(x, ensure_ascii=False) + "\n" for x in lines).encode()
    p = subprocess.run(cmd, input=data, capture_output=True, timeout=600)
    if p.returncode != 0:
        sys.exit(f"{' '.join(cmd[:3])} failed ({p.returncode}): {p.stderr.decode(errors='replace')[:500]}")
    return [json.loads(line) for line in p.stdout.decode().split("\n") if line]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--seek", required=True)
    ap.add_argument("--tokenizer", required=True)
    ap.add_argument("--count", type=int, default=400)
    ap.add_argument("--seed", type=int, default=int(os.environ.get("SEEK_TEST_SEED", "20261125")))
    args = ap.parse_args()
    node = shutil.which("node")
    if not node or not os.path.isdir(os.path.join(ROOT, "node_modules", "@anush008", "tokenizers")):
        print("SKIP: node or @anush008/tokenizers (npm devDependency) is missing")
        return 77
    rng = random.Random(args.seed)
    strings = make_strings(rng, args.count)
    want = run([node, REFERENCE, "--impl", "rust", "--tokenizer", args.tokenizer], strings)
    got = run([args.seek, "tokenize", "--tokenizer", args.tokenizer, "--jsonl"], strings)
    back = run([args.seek, "detokenize", "--tokenizer", args.tokenizer, "--jsonl"], got)
    bad = 0
    for i, (s, w, g, b) in enumerate(zip(strings, want, got, back)):
        if w != g:
            bad += 1
            at = next((k for k, (x, y) in enumerate(zip(w, g)) if x != y), min(len(w), len(g)))
            if bad <= 5:
                print(f"DIFF string {i} at token {at}: {s[:120]!r}\n  hf:   {w[max(0, at - 3):at + 5]}\n  seek: {g[max(0, at - 3):at + 5]}")
        if b != s:
            bad += 1
            if bad <= 5:
                print(f"ROUND TRIP string {i}: {s[:120]!r} -> {b[:120]!r}")
    tokens = sum(len(w) for w in want)
    print(f"seed {args.seed}: {len(strings)} strings, {tokens} tokens: {bad} differences")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
