#!/usr/bin/env python3
"""Build the DeepSeek V4 tokenizer files from the DeepSeek V3 tokenizer.json.

    make_v4_tokenizer.py --base V3_TOKENIZER_JSON --table engine/tokenizer/v4_added_tokens.json --out OUT_DIR

Writes OUT_DIR/tokenizer.json (the V3 file with the V4 added tokens of the table appended;
everything else byte-for-byte as the V3 file serialises it) and OUT_DIR/tokenizer_config.json
(the official V4 settings: no BOS/EOS added, pad = EOS, model_max_length 1048576,
PreTrainedTokenizerFast, no chat template). Both are written atomically (temp file + rename).

Rules, so that every string maps to exactly one id and the V4 ids win:
  * a table id taken in the base by a placeholder token (<｜place▁holder▁no▁N｜>) is taken over;
    taken by any other token, or inside the BPE vocabulary: error.
  * a table string that the base has as an added token with another id: that base token is
    renamed to the placeholder of its id (a V3.1-style `<think>` at 128798 becomes
    <｜place▁holder▁no▁798｜>); a table string that is a BPE vocabulary entry: error.
  * ids between the end of the base's added tokens and the largest table id that nothing uses
    get placeholder tokens. HF tokenizers (checked with the Rust crate 0.22.2) ignores the ids
    written in tokenizer.json and numbers added tokens one after another, so without the
    placeholders `<think>` would load as 128815 instead of 128821.

Standard library only. Exits 1 with a message on stderr on a bad input.
"""

import argparse
import json
import os
import re
import sys
import tempfile

PLACEHOLDER_RE = re.compile(r"^<｜place▁holder▁no▁(\d+)｜>$")
BOS = "<｜begin▁of▁sentence｜>"
EOS = "<｜end▁of▁sentence｜>"


class InputError(Exception):
    pass


def log(msg):
    print(f"make_v4_tokenizer: {msg}", file=sys.stderr)


def load_json(path, what):
    try:
        with open(path, encoding="utf-8") as f:
            return json.load(f)
    except FileNotFoundError:
        raise InputError(f"{what} not found: {path}")
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as e:
        raise InputError(f"cannot read {what} {path}: {e}")


def placeholder(token_id, vocab_size):
    return f"<｜place▁holder▁no▁{token_id - vocab_size}｜>"


def added_token(token_id, content):
    # Same key order as the entries of the V3 file.
    return {
        "id": token_id,
        "content": content,
        "single_word": False,
        "lstrip": False,
        "rstrip": False,
        "normalized": False,
        "special": True,
    }


def read_table(table):
    if not isinstance(table, dict) or not isinstance(table.get("tokens"), list):
        raise InputError('table must be an object with a "tokens" list')
    out = []
    seen_ids, seen_contents = {}, {}
    for i, t in enumerate(table["tokens"]):
        if not isinstance(t, dict) or set(t) != {"id", "content"}:
            raise InputError(f'table entry {i}: want exactly {{"id", "content"}}, got {t!r}')
        tid, content = t["id"], t["content"]
        if not isinstance(tid, int) or isinstance(tid, bool) or tid < 0:
            raise InputError(f"table entry {i}: bad id {tid!r}")
        if not isinstance(content, str) or not content:
            raise InputError(f"table entry {i}: bad content {content!r}")
        if tid in seen_ids:
            raise InputError(f"table: id {tid} used twice ({seen_ids[tid]!r}, {content!r})")
        if content in seen_contents:
            raise InputError(f"table: {content!r} listed twice (ids {seen_contents[content]}, {tid})")
        seen_ids[tid] = content
        seen_contents[content] = tid
        out.append((tid, content))
    if not out:
        raise InputError("table has no tokens")
    return out


def build(base, table_tokens):
    try:
        model = base["model"]
        vocab = model["vocab"]
        added = base["added_tokens"]
    except (KeyError, TypeError):
        raise InputError("base is not a tokenizer.json with model.vocab and added_tokens")
    if model.get("type") != "BPE" or not isinstance(vocab, dict) or not isinstance(added, list):
        raise InputError("base is not a BPE tokenizer.json")
    vocab_size = len(vocab)
    if sorted(vocab.values()) != list(range(vocab_size)):
        raise InputError("base vocab ids are not 0..N-1")

    by_id, by_content = {}, {}
    for t in added:
        if t["id"] in by_id or t["content"] in by_content:
            raise InputError(f"base has a duplicate added token: {t!r}")
        by_id[t["id"]] = t
        by_content[t["content"]] = t
    # Added tokens inside the vocab range must be the vocab's own entries (BOS/EOS/pad in V3).
    inv_vocab = {i: s for s, i in vocab.items()}
    for t in added:
        if t["id"] < vocab_size and inv_vocab[t["id"]] != t["content"]:
            raise InputError(f"base added token {t['content']!r} has id {t['id']} of vocab entry {inv_vocab[t['id']]!r}")

    for tid, content in table_tokens:
        if tid < vocab_size:
            raise InputError(f"id collision: table id {tid} ({content!r}) is BPE vocab entry {inv_vocab[tid]!r}")
        if content in vocab:
            raise InputError(f"collision: {content!r} is BPE vocab entry {vocab[content]}, table says {tid}")
        old = by_content.get(content)
        if old is not None and old["id"] != tid:
            new_name = placeholder(old["id"], vocab_size)
            if new_name in by_content:
                raise InputError(f"{content!r} is base id {old['id']}, and {new_name!r} exists too")
            log(f"base had {content!r} at id {old['id']}; renamed it to {new_name!r} (V4 id is {tid})")
            del by_content[content]
            old["content"] = new_name
            by_content[new_name] = old
        cur = by_id.get(tid)
        if cur is not None:
            if cur["content"] == content:
                continue  # already there with the right id: keep the base entry as it is
            if not PLACEHOLDER_RE.match(cur["content"]):
                raise InputError(f"id collision: table id {tid} ({content!r}) is base token {cur['content']!r}")
            del by_content[cur["content"]]
            cur.clear()
            cur.update(added_token(tid, content))
            by_content[content] = cur
        else:
            t = added_token(tid, content)
            added.append(t)
            by_id[tid] = t
            by_content[content] = t

    # Fill the gaps above the vocab so that added-token ids are contiguous.
    top = max(by_id)
    filled = []
    for i in range(vocab_size, top + 1):
        if i not in by_id:
            name = placeholder(i, vocab_size)
            if name in by_content:
                raise InputError(f"placeholder {name!r} for gap id {i} already exists with id {by_content[name]['id']}")
            t = added_token(i, name)
            added.append(t)
            by_id[i] = t
            by_content[name] = t
            filled.append(i)
    if filled:
        log(f"filled {len(filled)} unused ids with placeholders: {compress(filled)}")
    added.sort(key=lambda t: t["id"])

    # Final invariants.
    ids = [t["id"] for t in added]
    contents = [t["content"] for t in added]
    assert len(set(ids)) == len(ids) and len(set(contents)) == len(contents)
    assert [i for i in ids if i >= vocab_size] == list(range(vocab_size, top + 1))
    for tid, content in table_tokens:
        assert by_content[content]["id"] == tid
    for s in (BOS, EOS):
        if s not in by_content:
            raise InputError(f"base has no {s!r}")
    return base


def compress(ids):
    parts, start = [], None
    for k, i in enumerate(ids):
        if start is None:
            start = i
        if k + 1 == len(ids) or ids[k + 1] != i + 1:
            parts.append(str(start) if start == i else f"{start}-{i}")
            start = None
    return ", ".join(parts)


def tokenizer_config():
    def tok(content):
        return {
            "__type": "AddedToken",
            "content": content,
            "lstrip": False,
            "normalized": True,
            "rstrip": False,
            "single_word": False,
        }

    return {
        "add_bos_token": False,
        "add_eos_token": False,
        "bos_token": tok(BOS),
        "clean_up_tokenization_spaces": False,
        "eos_token": tok(EOS),
        "legacy": True,
        "model_max_length": 1048576,
        "pad_token": tok(EOS),
        "unk_token": None,
        "tokenizer_class": "PreTrainedTokenizerFast",
    }


def write_atomic(path, text):
    d = os.path.dirname(os.path.abspath(path))
    fd, tmp = tempfile.mkstemp(prefix="." + os.path.basename(path) + ".", suffix=".tmp", dir=d)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as f:
            f.write(text)
            f.flush()
            os.fsync(f.fileno())
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise


def main(argv=None):
    ap = argparse.ArgumentParser(description="Build the DeepSeek V4 tokenizer.json/tokenizer_config.json from the V3 tokenizer.json.")
    ap.add_argument("--base", required=True, help="DeepSeek V3 tokenizer.json")
    ap.add_argument("--table", required=True, help="engine/tokenizer/v4_added_tokens.json")
    ap.add_argument("--out", required=True, help="output directory (created if missing)")
    args = ap.parse_args(argv)
    try:
        base = load_json(args.base, "base tokenizer")
        table_tokens = read_table(load_json(args.table, "table"))
        v4 = build(base, table_tokens)
        try:
            os.makedirs(args.out, exist_ok=True)
        except OSError as e:
            raise InputError(f"cannot create output directory {args.out}: {e}")
        # indent=4 + ensure_ascii=False reproduces the V3 file byte for byte (no final newline).
        write_atomic(os.path.join(args.out, "tokenizer.json"), json.dumps(v4, ensure_ascii=False, indent=4))
        write_atomic(os.path.join(args.out, "tokenizer_config.json"),
                     json.dumps(tokenizer_config(), ensure_ascii=False, indent=2) + "\n")
    except InputError as e:
        log(f"error: {e}")
        return 1
    except OSError as e:
        log(f"error: {e}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
