#!/usr/bin/env python3
"""Differential check of `seek encode-chat` against encode_cases.jsonl.

    check_with_official.py --seek build/seek [--official /path/to/encoding_dsv4.py]

Each case's messages go to `SEEK encode-chat --thinking-mode M
[--reasoning-effort E] [--keep-thinking] [--no-bos]` on stdin as JSON; stdout
must equal the expected prompt byte for byte, and a case the official encoder
rejects must exit nonzero.  With --official the expectations are recomputed
from the official module (and stored ones that disagree are reported), so
the data files can be checked even without --seek.
"""

import argparse
import copy
import importlib.util
import json
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))


def load(name):
    with open(os.path.join(HERE, name), encoding="utf-8", newline="\n") as f:
        return [json.loads(line) for line in f.read().split("\n") if line]


def kind(case):  # the stored outcome: the prompt, or the exception type
    if "expected" in case:
        return case["expected"]
    return ("error", case["expected_error"].split(":", 1)[0])


def official_outcome(fn, *args, **kw):
    try:
        return fn(*args, **kw)
    except Exception as e:  # noqa: BLE001
        return ("error", type(e).__name__)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--seek", help="seek binary")
    ap.add_argument("--official", help="path to encoding_dsv4.py")
    a = ap.parse_args()
    if not (a.seek or a.official):
        ap.error("give --seek and/or --official")
    off = None
    if a.official:
        assert __debug__, "run without -O: the official code signals errors with assert"
        spec = importlib.util.spec_from_file_location("encoding_dsv4", a.official)
        off = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(off)

    failures = 0

    def fail(what, case_id, detail):
        nonlocal failures
        failures += 1
        if failures <= 20:
            print("FAIL %s case %d: %s" % (what, case_id, detail))

    for c in load("encode_cases.jsonl"):
        want = kind(c)
        if off:
            got = official_outcome(off.encode_messages, copy.deepcopy(c["messages"]),
                                   thinking_mode=c["thinking_mode"],
                                   drop_thinking=c["drop_thinking"],
                                   add_default_bos_token=c["add_bos"],
                                   reasoning_effort=c["reasoning_effort"])
            if got != want:
                fail("stale-encode", c["id"], "official now gives %r" % (got,))
            want = got
        if not a.seek:
            continue
        cmd = [a.seek, "encode-chat", "--thinking-mode", c["thinking_mode"]]
        if c["reasoning_effort"] is not None:
            cmd += ["--reasoning-effort", c["reasoning_effort"]]
        if not c["drop_thinking"]:
            cmd.append("--keep-thinking")
        if not c["add_bos"]:
            cmd.append("--no-bos")
        stdin = json.dumps(c["messages"], ensure_ascii=False).encode("utf-8")
        try:
            p = subprocess.run(cmd, input=stdin, capture_output=True, timeout=30)
        except subprocess.TimeoutExpired:
            fail("seek", c["id"], "timeout")
            continue
        if isinstance(want, tuple):
            if p.returncode == 0:
                fail("seek", c["id"], "exit 0, official raises %s" % want[1])
        elif p.returncode != 0:
            fail("seek", c["id"], "exit %d: %s" % (p.returncode, p.stderr[-300:]))
        elif p.stdout != want.encode("utf-8"):
            exp = want.encode("utf-8")
            i = next((k for k in range(min(len(exp), len(p.stdout))) if exp[k] != p.stdout[k]),
                     min(len(exp), len(p.stdout)))
            fail("seek", c["id"], "differs at byte %d: want %r got %r"
                 % (i, exp[max(0, i - 20):i + 40], p.stdout[max(0, i - 20):i + 40]))

    if off:
        for c in load("parse_cases.jsonl"):
            got = official_outcome(off.parse_message_from_completion_text, c["text"],
                                   thinking_mode=c["thinking_mode"])
            if got != kind(c):
                fail("stale-parse", c["id"], "official now gives %r" % (got,))

    print("%d failure(s)" % failures)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
