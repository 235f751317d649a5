#!/usr/bin/python3
"""Checks `seek logits` against the numpy reference on one random checkpoint.

Run by ctest (tests/reference/CMakeLists.txt); by hand:

  /usr/bin/python3 tests/reference/compare_engine.py --seek build/seek \
      (--preset tiny --seed 3 | --config tests/reference/configs/X.json --seed 3) --tokens 320

What it asserts, and why these are the sharp checks:
  1. Decode (one token per call) and chunked prefill (a chunk size drawn from the seed)
     give logits bit-identical to one prefill: they carry the same state.
  2. Teacher forcing: the reference's block L reads seek's own stream after block L-1
     (dsv4_reference.py --layer-inputs), so each block is compared on identical input.
     In every block's output stream most rows must be bit-identical (SAME_ROWS_FLOOR) and
     few may diverge beyond ROW_TOL (DIVERGED_CEILING): summation-order noise flips isolated
     BF16 ulps and, now and then, one token's expert choice, while a wrong formula (an
     off-by-one RoPE position on compressed entries, say) touches nearly every row.
  3. The MTP block on the same forced input (its logits, relative L2 and top-1).
  4. End to end (no forcing), only finiteness and a loose agreement floor: on random models
     a single BF16 ulp flips FP8 scales and top-k choices and spreads (two orderings of the
     reference itself agree on ~91 % of top-1 tokens on tiny), so these figures are printed
     for the record rather than held to the issue's 1 %.
"""

import argparse
import json
import os
import random
import subprocess
import sys
import tempfile

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
SAME_ROWS_FLOOR = 0.6   # share of a block's output rows bit-identical to the reference's
ROW_TOL = 5e-2          # a row further off than this (relative L2) counts as diverged...
DIVERGED_CEILING = 0.05  # ...and at most this share of rows may diverge (routing flips)
HEAD_TOL = 1e-4
MTP_TOL = 2e-2
E2E_TOP1_FLOOR = 0.80


def run(cmd):
    r = subprocess.run(cmd, capture_output=True, text=True)
    if r.returncode != 0:
        sys.exit("FAILED: %s\n%s%s" % (" ".join(cmd[:4]), r.stdout, r.stderr))
    return r.stdout


def load(path, cols):
    return np.fromfile(path, np.float32).reshape(-1, cols)


def rel_l2(a, b):
    return float(np.linalg.norm(a - b) / max(np.linalg.norm(b), 1e-30))


def top1_near(a, b):
    """Share of rows whose engine arg-max is the reference's, or within 0.05 std of its max."""
    am = a.argmax(1)
    gap = b.max(1) - b[np.arange(len(b)), am]
    return float(np.mean(gap <= 0.05 * b.std(1)))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--seek", required=True)
    ap.add_argument("--preset")
    ap.add_argument("--config")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--tokens", type=int, default=320)
    ap.add_argument("--work", help="keep files here instead of a temp dir")
    a = ap.parse_args()
    if a.work:
        os.makedirs(a.work, exist_ok=True)
        return compare(a, a.work)
    with tempfile.TemporaryDirectory(prefix="seek-ref-") as work:  # ~1 GB of logits; never left behind
        return compare(a, work)


def compare(a, work):
    ck = os.path.join(work, "ckpt")
    if a.preset:
        run([a.seek, "model", "init", "--preset", a.preset, "--seed", str(a.seed), "--out", ck])
    else:
        run([sys.executable, os.path.join(HERE, "make_random_checkpoint.py"), "--config", a.config, "--out", ck,
             "--seed", str(a.seed)])
    cfg = json.load(open(os.path.join(ck, "config.json")))
    V, L, M, D = cfg["vocab_size"], cfg["num_hidden_layers"], cfg["hc_mult"], cfg["hidden_size"]
    rng = random.Random(a.seed)
    tokens = ",".join(str(rng.randrange(V)) for _ in range(a.tokens))
    chunk = rng.randrange(2, 200)
    f = lambda name: os.path.join(work, name)  # noqa: E731

    has_mtp = cfg.get("num_nextn_predict_layers", 0) > 0
    mtp_seek = ["--mtp", f("mtp.f32")] if has_mtp else []
    mtp_ref = ["--mtp", f("ref_mtp.f32")] if has_mtp else []
    run([a.seek, "logits", "--model", ck, "--tokens", tokens, "--out", f("prefill.f32"), "--dump-dir", f("seek_dump")]
        + mtp_seek)
    run([a.seek, "logits", "--model", ck, "--tokens", tokens, "--out", f("decode.f32"), "--mode", "decode"])
    run([a.seek, "logits", "--model", ck, "--tokens", tokens, "--out", f("chunked.f32"), "--mode", "chunked:%d" % chunk])
    ref_py = os.path.join(HERE, "dsv4_reference.py")
    run([sys.executable, ref_py, "--model", ck, "--tokens", tokens, "--out", f("ref.f32")])
    run([sys.executable, ref_py, "--model", ck, "--tokens", tokens, "--out", f("forced.f32"), "--dump-dir",
         f("ref_forced"), "--layer-inputs", f("seek_dump")] + mtp_ref)

    failures = []
    prefill = load(f("prefill.f32"), V)
    for mode in ("decode", "chunked"):
        other = load(f(mode + ".f32"), V)
        diff = np.abs(other - prefill)
        if other.shape != prefill.shape or diff.max() != 0:
            row = int(np.argmax(diff.max(1)))
            failures.append("%s logits differ from prefill: max |diff| %.3g at row %d" % (mode, diff.max(), row))
    print("decode and chunked:%d vs prefill: %s" % (chunk, "bit-identical" if not failures else "DIFFER"))

    for layer in range(L):
        mine = load(f("seek_dump/h_after_layer%d.f32" % layer), M * D)
        ref = load(f("ref_forced/h_after_layer%d.f32" % layer), M * D)
        err = rel_l2(mine, ref)
        same = float(np.mean((mine == ref).all(1)))
        row_err = np.linalg.norm(mine - ref, axis=1) / np.maximum(np.linalg.norm(ref, axis=1), 1e-30)
        diverged = float(np.mean(~(row_err <= ROW_TOL)))
        worst = int(np.argmax(row_err))
        print("layer %d (ratio %d): relL2 %.2e, identical rows %.1f%%, diverged rows %.1f%%, worst row %d (%.2e)" %
              (layer, cfg["compress_ratios"][layer], err, 100 * same, 100 * diverged, worst, row_err[worst]))
        if diverged > DIVERGED_CEILING:
            failures.append("layer %d: %.1f%% of rows diverged beyond %.0e" % (layer, 100 * diverged, ROW_TOL))
        if same < SAME_ROWS_FLOOR:
            failures.append("layer %d: only %.1f%% of rows bit-identical" % (layer, 100 * same))
    forced = load(f("forced.f32"), V)
    print("head on forced input: relL2 %.2e" % rel_l2(prefill, forced))
    if not rel_l2(prefill, forced) <= HEAD_TOL:
        failures.append("final norm + head relL2 %.3g" % rel_l2(prefill, forced))

    if has_mtp:
        # The reference's MTP block reads seek's final streams (forced), so this is the MTP
        # block alone: one block's noise, like the main blocks above.
        mine, theirs = load(f("mtp.f32"), V), load(f("ref_mtp.f32"), V)
        err, near = rel_l2(mine, theirs), top1_near(mine, theirs)
        print("MTP block on forced input: relL2 %.2e, top-1 (near-tie) %.3f" % (err, near))
        if mine.shape != theirs.shape or not err <= MTP_TOL or near < 0.95:
            failures.append("MTP relL2 %.3g, top-1 %.3f" % (err, near))

    ref = load(f("ref.f32"), V)
    if not np.isfinite(prefill).all():
        failures.append("non-finite logits")
    e2e, near = rel_l2(prefill, ref), top1_near(prefill, ref)
    print("end to end (no forcing): relL2 %.4f, top-1 (near-tie) %.3f" % (e2e, near))
    if near < E2E_TOP1_FLOOR:
        failures.append("end-to-end top-1 %.3f below %.2f" % (near, E2E_TOP1_FLOOR))
    if failures:
        print("FAILED:\n  " + "\n  ".join(failures))
        return 1
    print("ok")
    return 0


if __name__ == "__main__":
    sys.exit(main())
