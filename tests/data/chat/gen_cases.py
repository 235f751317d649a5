#!/usr/bin/env python3
"""Generate differential test cases for seek's DeepSeek V4 chat encoder and
reply parser.

The expected values come from the official reference implementation
(DeepSeek-V4 `encoding/encoding_dsv4.py`, MIT licensed), which is NOT part of
this repository: pass its path with --official.  This script only imports it;
everything here is our own code.

    python3 gen_cases.py --official /path/to/encoding_dsv4.py \
        --seed 20260518 --count 600 --parse-count 400 --out .

Output (see README.md): encode_cases.jsonl and parse_cases.jsonl.
The output is a pure function of (official module, seed, counts).
"""

import argparse
import copy
import importlib.util
import json
import os
import random
import sys

OFF = None  # the official module, loaded in main()

# ---------------------------------------------------------------------------
# String material
# ---------------------------------------------------------------------------

WORDS = ["hello", "world", "weather", "Beijing", "the", "quick", "fox", "data",
         "value", "test", "answer", "search", "file", "path", "42", "ok",
         "Please", "check", "result", "tool", "query", "x", "A", "zeta"]
UNICODE = ["你好", "世界", "日本語テキスト", "한국어", "😀", "👨‍👩‍👧‍👦", "🇯🇵",
           "e\u0301", "a\u0308\u0323", "مرحبا بالعالم", "שלום", "\u202eRTL\u202c",
           "\u200b", "𝔘𝔫𝔦𝔠𝔬𝔡𝔢", "Ω≈ç√∫", "\ufeff", "straße", "İı", "\u00a0",
           "°C", "…", "\U0010fffd", "ǅ"]
PUNCT = ['"', "'", "\\", "\n", "\r\n", "\t", "\x00", "\x01", "\x1f", "\x7f",
         "\u2028", "<", ">", "&", "{", "}", "{content}", "%s", "</", "/>", "  ",
         "\\n", "\\u0041", "\n\n", "=", '="', "`"]


def special_tokens():
    o = OFF
    return [o.bos_token, o.eos_token, o.USER_SP_TOKEN, o.ASSISTANT_SP_TOKEN,
            o.thinking_start_token, o.thinking_end_token, o.dsml_token,
            "<" + o.dsml_token + "tool_calls>", "</" + o.dsml_token + "invoke>",
            "<" + o.dsml_token + 'parameter name="x" string="true">',
            "<tool_result>", "</tool_result>", o.LATEST_REMINDER_SP_TOKEN,
            o.DS_TASK_SP_TOKENS["action"], o.DS_TASK_SP_TOKENS["title"]]


def text(rng, lo=0, hi=7, uni=0.2, punct=0.12, special=0.03):
    parts = []
    for _ in range(rng.randint(lo, hi)):
        r = rng.random()
        if r < special:
            parts.append(rng.choice(special_tokens()))
        elif r < special + punct:
            parts.append(rng.choice(PUNCT))
        elif r < special + punct + uni:
            parts.append(rng.choice(UNICODE))
        else:
            parts.append(rng.choice(WORDS))
    return rng.choice([" ", "", " ", "\n"]).join(parts)


def nonempty_text(rng, **kw):
    s = text(rng, lo=1, **kw)
    return s if s else "hi"


# ---------------------------------------------------------------------------
# Tool-call arguments: JSON text with awkward numbers and strings
# ---------------------------------------------------------------------------

NUM_LITERALS = ["0", "1", "-1", "42", "-17", "1.0", "-2.5", "0.1", "1e-7",
                "1E-7", "1e16", "1e15", "1e+16", "123456789.125", "3.14159",
                "0.30000000000000004", "1e22", "2.5E+3", "1E2", "-0", "-0.0",
                "0.0001", "0.00001", "100000000000000000000.0",
                "12345678901234567890123", "-9007199254740993",
                "1.7976931348623157e308", "5e-324", "1.5e300", "7.0E-10",
                "9999999999999999.0", "1234567.0", "0.5", "2"]
SPECIAL_NUMS = ["NaN", "Infinity", "-Infinity", "1e400", "-1e400"]


class Lit:
    """A JSON literal emitted verbatim (numbers)."""

    def __init__(self, s):
        self.s = s


def rand_key(rng):
    r = rng.random()
    if r < 0.75:
        return rng.choice(["location", "unit", "query", "count", "limit", "path",
                           "options", "items", "flag", "score", "name", "data",
                           "offset", "tags", "nested", "empty", "ratio"])
    if r < 0.9:
        return rng.choice(["城市", "clé", "emoji😀", "with space", "k_1", "_"])
    return rng.choice(['q"uote', "back\\slash", "", "new\nline", "<tag>"])


def rand_value(rng, depth=0):
    r = rng.random()
    if depth >= 3:
        r = r * 0.6
    if r < 0.3:
        return text(rng, special=0.04)
    if r < 0.45:
        return Lit(rng.choice(NUM_LITERALS))
    if r < 0.5:
        return rng.choice([True, False, None])
    if r < 0.6:
        return rng.randint(-1000, 100000)
    if r < 0.8:
        return {rand_key(rng): rand_value(rng, depth + 1)
                for _ in range(rng.randint(0, 3))}
    return [rand_value(rng, depth + 1) for _ in range(rng.randint(0, 3))]


def json_string(rng, s):
    if rng.random() < 0.7:
        return json.dumps(s, ensure_ascii=rng.random() < 0.3)
    out = []  # hand-escaped: \/ and \uXXXX (surrogate pairs for astral)
    for ch in s:
        c = ord(ch)
        if ch == '"':
            out.append('\\"')
        elif ch == "\\":
            out.append("\\\\")
        elif ch == "/":
            out.append("\\/")
        elif c < 0x20 or (c > 0x7e and rng.random() < 0.5):
            if c > 0xffff:
                c -= 0x10000
                out.append("\\u%04X\\u%04x" % (0xd800 + (c >> 10), 0xdc00 + (c & 0x3ff)))
            else:
                out.append("\\u%04x" % c if rng.random() < 0.5 else "\\u%04X" % c)
        else:
            out.append(ch)
    return '"' + "".join(out) + '"'


def to_json_text(rng, v, ws):
    sp = lambda: rng.choice(["", " ", "\n  ", "\t"]) if ws else ""
    if isinstance(v, Lit):
        return v.s
    if isinstance(v, str):
        return json_string(rng, v)
    if isinstance(v, dict):
        items = [sp() + json_string(rng, k) + sp() + ":" + sp() + to_json_text(rng, x, ws)
                 for k, x in v.items()]
        return "{" + ",".join(items) + sp() + "}"
    if isinstance(v, list):
        return "[" + ",".join(sp() + to_json_text(rng, x, ws) for x in v) + sp() + "]"
    return json.dumps(v)


def rand_arguments(rng):
    """A JSON-object string (mostly) for a tool call's `arguments`."""
    r = rng.random()
    if r < 0.06:  # not valid JSON -> official wraps as {"arguments": raw}
        return rng.choice(["", "{", "not json", "{'a': 1}", '{"a": 1,}',
                           '{"a": 1} trailing', '{"s": "raw\nnewline"}',
                           "\ufeff{\"a\": 1}", '{"a": .5}', '{"a": 01}',
                           '{"a": "\\x41"}', nonempty_text(rng)])
    obj = {rand_key(rng): rand_value(rng) for _ in range(rng.randint(0, 4))}
    if rng.random() < 0.04:  # duplicate key: last value wins, first position kept
        k = next(iter(obj), "dup")
        body = to_json_text(rng, obj, False)
        extra = json_string(rng, k) + ":" + to_json_text(rng, rand_value(rng), False)
        return body[:-1] + ("," if obj else "") + extra + "}"
    if rng.random() < 0.005:  # NaN / Infinity: Python's json accepts and emits them
        obj["special"] = Lit(rng.choice(SPECIAL_NUMS))
    return to_json_text(rng, obj, rng.random() < 0.25)


# ---------------------------------------------------------------------------
# Messages
# ---------------------------------------------------------------------------

TASKS = ["action", "query", "authority", "domain", "title", "read_url"]


def rand_tools(rng):
    tools = []
    for i in range(rng.randint(1, 3)):
        props = {}
        for _ in range(rng.randint(0, 3)):
            t = rng.choice(["string", "integer", "number", "boolean", "array", "object"])
            p = {"type": t}
            if rng.random() < 0.6:
                p["description"] = text(rng, 1, 5, special=0.01)
            if t == "string" and rng.random() < 0.3:
                p["enum"] = ["celsius", "fahrenheit", "开尔文"]
            if t in ("integer", "number") and rng.random() < 0.5:
                p["minimum"] = rng.choice([0, -1, 1.5, 1e-7, 1e16, 0.1])
                p["default"] = rng.choice([1, 2.0, 123456789.125, None])
            if t == "array":
                p["items"] = {"type": "string"}
            props[rand_key(rng)] = p
        fn = {"name": rng.choice(["get_weather", "search", "read_file", "run_cmd",
                                  "calc", "查询", "tool_%d" % i])}
        if rng.random() < 0.85:
            fn["description"] = text(rng, 0, 8, special=0.02)
        fn["parameters"] = {"type": "object", "properties": props,
                            "required": list(props)[:1]}
        if rng.random() < 0.1:
            fn["strict"] = True
        tools.append({"type": "function", "function": fn})
    return tools


def rand_response_format(rng):
    if rng.random() < 0.3:
        return {"type": "json_object"}
    return {"type": "json_schema",
            "json_schema": {"name": "answer", "strict": rng.random() < 0.5,
                            "schema": {"type": "object",
                                       "properties": {"answer": {"type": "string"},
                                                      "confidence": {"type": "number",
                                                                     "maximum": 1.0}},
                                       "required": ["answer"]}}}


def content_field(rng, msg, p_none=0.05, p_missing=0.05, p_empty=0.05, **kw):
    r = rng.random()
    if r < p_none:
        msg["content"] = None
    elif r < p_none + p_missing:
        pass
    elif r < p_none + p_missing + p_empty:
        msg["content"] = ""
    else:
        msg["content"] = text(rng, **kw)


class Conv:
    def __init__(self, rng):
        self.rng = rng
        self.msgs = []
        self.call_ids = []
        self.n_calls = 0

    def system(self, tools_ok):
        rng = self.rng
        m = {"role": "system"}
        content_field(rng, m, 0.08, 0.04, 0.06, lo=1, hi=10)
        if tools_ok and rng.random() < 0.5:
            m["tools"] = rand_tools(rng) if rng.random() < 0.95 else []
        if rng.random() < 0.12:
            m["response_format"] = rand_response_format(rng)
        if rng.random() < 0.03:
            m["task"] = rng.choice(TASKS)
        self.msgs.append(m)

    def developer(self, tools_ok):
        rng = self.rng
        m = {"role": "developer", "content": nonempty_text(rng)}
        if tools_ok and rng.random() < 0.4:
            m["tools"] = rand_tools(rng)
        if rng.random() < 0.1:
            m["response_format"] = rand_response_format(rng)
        if rng.random() < 0.05:
            m["task"] = rng.choice(TASKS)
        self.msgs.append(m)

    def user(self):
        rng = self.rng
        m = {"role": "user"}
        content_field(rng, m, 0.0, 0.03, 0.05)
        if rng.random() < 0.1:
            m["task"] = rng.choice(TASKS)
        if rng.random() < 0.02:
            m["wo_eos"] = True
        if rng.random() < 0.02:
            m["name"] = "alice"
        if rng.random() < 0.02:
            m["tools"] = rand_tools(rng)  # ignored: merge_tool_messages rebuilds users
        self.msgs.append(m)

    def reminder(self):
        rng = self.rng
        m = {"role": "latest_reminder"}
        if rng.random() < 0.9:
            m["content"] = rng.choice(["Current date: 2026-05-18", "Locale: zh-CN",
                                       text(rng, 1, 4)])
        elif rng.random() < 0.5:
            m["content"] = None
        if rng.random() < 0.04:
            m["task"] = rng.choice(TASKS)
        self.msgs.append(m)

    def assistant(self):
        rng = self.rng
        m = {"role": "assistant"}
        content_field(rng, m, 0.08, 0.05, 0.08)
        r = rng.random()
        if r < 0.55:
            m["reasoning_content"] = text(rng, 1, 8)
        elif r < 0.65:
            m["reasoning_content"] = ""
        elif r < 0.75:
            m["reasoning_content"] = None
        if rng.random() < 0.4:
            calls = []
            ids = []
            for _ in range(rng.randint(1, 3)):
                self.n_calls += 1
                cid = "call_%d" % self.n_calls
                if rng.random() < 0.04 and ids:
                    cid = ids[0]  # duplicate id
                tc = {"id": cid, "type": "function",
                      "function": {"name": rng.choice(["get_weather", "search", "calc",
                                                       "read_file", "查询"]),
                                   "arguments": rand_arguments(rng)}}
                if rng.random() < 0.04:
                    del tc["id"]
                    tc["function"]["id"] = cid  # official also looks here
                elif rng.random() < 0.03:
                    del tc["id"]
                calls.append(tc)
                ids.append(cid)
            m["tool_calls"] = calls
            self.call_ids = ids
        elif rng.random() < 0.05:
            m["tool_calls"] = []
        if rng.random() < 0.08:
            m["wo_eos"] = rng.random() < 0.8
        if rng.random() < 0.05:
            m["task"] = rng.choice(["title", "title", rng.choice(TASKS)])
        self.msgs.append(m)

    def tool(self, cid):
        rng = self.rng
        m = {"role": "tool"}
        if cid is not None:
            m["tool_call_id"] = cid
        r = rng.random()
        if r < 0.65:
            m["content"] = text(rng, 0, 8)
        elif r < 0.8:
            m["content"] = [{"type": "text", "text": text(rng, 0, 4)}
                            for _ in range(rng.randint(1, 3))]
        elif r < 0.85:
            m["content"] = [{"type": "text", "text": "see image"},
                            {"type": "image_url", "image_url": {"url": "http://x/y.png"}}]
        elif r < 0.88:
            m["content"] = [{"type": "text"}]
        elif r < 0.92:
            m["content"] = None  # renders as the text "None"
        elif r < 0.95:
            pass
        else:
            m["content"] = '{"temp": 22, "unit": "°C"}'
        self.msgs.append(m)

    def tool_results(self):
        rng = self.rng
        ids = list(self.call_ids) or ["call_x"]
        rng.shuffle(ids)
        if rng.random() < 0.15 and len(ids) > 1:
            ids.pop()
        if rng.random() < 0.08:
            ids.insert(rng.randint(0, len(ids)), "unknown_id")
        for i, cid in enumerate(ids):
            if i and rng.random() < 0.08:
                self.user()  # user text between tool results
            self.tool(None if rng.random() < 0.03 else cid)


def rand_conversation(rng):
    c = Conv(rng)
    tools_ok = rng.random() < 0.45
    r = rng.random()
    if r < 0.6:
        c.system(tools_ok)
    elif r < 0.7:
        c.developer(tools_ok)
    elif r < 0.75:
        c.assistant()
    n = rng.randint(1, 8)
    weights = [("user", 34), ("assistant", 30), ("tool", 8), ("latest_reminder", 7),
               ("developer", 6), ("system", 4), ("unknown", 0.6)]
    total = sum(w for _, w in weights)
    for _ in range(n):
        last = c.msgs[-1] if c.msgs else {}
        if last.get("role") == "assistant" and last.get("tool_calls") and rng.random() < 0.75:
            c.tool_results()
            continue
        if last.get("role") in ("user", "developer") and rng.random() < 0.5:
            c.assistant()
            continue
        x = rng.random() * total
        for role, w in weights:
            x -= w
            if x < 0:
                break
        if role == "user":
            c.user()
        elif role == "assistant":
            c.assistant()
        elif role == "tool":
            c.tool(rng.choice(c.call_ids) if c.call_ids else "call_0")
        elif role == "latest_reminder":
            c.reminder()
        elif role == "developer":
            c.developer(tools_ok)
        elif role == "system":
            c.system(tools_ok)
        else:
            c.msgs.append({"role": rng.choice(["function", "bot", "User"]),
                           "content": "?"})
    return c.msgs


# ---------------------------------------------------------------------------
# Hand-written cases: errors and known corner cases
# ---------------------------------------------------------------------------

def U(c="hi", **kw):
    return dict(role="user", content=c, **kw)


def A(c="ok", **kw):
    return dict(role="assistant", content=c, **kw)


def TC(cid, name, args):
    return {"id": cid, "type": "function", "function": {"name": name, "arguments": args}}


def targeted_encode():
    """(messages, thinking_mode, reasoning_effort, drop_thinking, add_bos)."""
    T, C = "thinking", "chat"
    tools = [{"type": "function", "function": {"name": "f", "description": "d",
                                               "parameters": {"type": "object", "properties": {}}}}]
    calls3 = [TC("a", "f", '{"x": 1}'), TC("b", "g", '{"y": "2"}'), TC("c", "h", "{}")]
    out = []
    add = lambda msgs, mode=T, eff=None, drop=True, bos=True: out.append((msgs, mode, eff, drop, bos))
    # --- errors ---
    add([U(), {"role": "developer", "content": ""}])
    add([{"role": "developer"}, U()], C)
    add([{"role": "developer", "content": None, "tools": tools}], T)
    add([{"role": "user", "content": None}])
    add([U(), {"role": "user", "content": None}], C)
    add([{"role": "user", "content": [{"type": "text", "text": "parts"}]}])
    add([{"role": "developer", "content": [{"type": "text", "text": "parts"}]}])
    add([U(), {"role": "function", "content": "x"}], C)
    add([U(), A(), {"role": "bot", "content": "x"}])
    add([{"content": "no role"}], C)
    add([U(task="summarize")])
    add([U(task="")], C)
    add([U(), A(task="Title")])
    add([U(), A(tool_calls=[TC("a", "f", "[1, 2]")])])
    add([U(), A(tool_calls=[TC("a", "f", "null")])], C)
    add([U(), A(tool_calls=[TC("a", "f", "42")])])
    add([U(), A(tool_calls=[TC("a", "f", '"just a string"')])], C)
    add([U(), A(tool_calls=[TC("a", "f", "true")])])
    add([U(), A(tool_calls=[{"id": "a", "type": "function"}])])
    add([U(), A(tool_calls=[{"id": "a", "function": {"arguments": "{}"}}])], C)
    add([U(), A(tool_calls=[{"id": "a", "function": {"name": "f"}}])])
    add([U(), A(tool_calls=[TC("a", "f", "{}")]), {"role": "tool", "tool_call_id": "a",
                                                   "content": ["plain string block"]}])
    # --- quirks that are not errors ---
    add([{"role": "system", "content": None}, U()], C)
    add([{"role": "system"}, U()], T, "max")
    add([U(), {"role": "latest_reminder", "content": None}], C)
    add([U(), {"role": "latest_reminder"}], T)
    add([U(), A(tool_calls=calls3[:1]), {"role": "tool", "tool_call_id": "a", "content": None}], T)
    add([U(), A(tool_calls=calls3[:1]), {"role": "tool", "tool_call_id": "a"}], C)
    add([U("a"), U("b", task="domain")], C)          # task of merged user is lost
    add([U("a", task="query"), U("b")], T)            # not merged after a task user
    add([U("a", task="authority"), {"role": "tool", "tool_call_id": "x", "content": "r"}], C)
    add([U("a", task="bogus"), U("b")], T)            # invalid task never checked
    add([U(), A(), {"role": "function", "content": "x"}, U()], T, None, True)   # dropped
    add([U(), A(), {"role": "function", "content": "x"}, U()], T, None, False)  # error
    add([U("u", tools=tools), A(reasoning_content="r1"), U("v")], T)  # user tools ignored
    add([U("u"), A(reasoning_content="r1", tools=tools), U("v")], T)  # disables drop
    add([{"role": "system", "content": "s", "tools": []}, U(), A(reasoning_content="r"), U()], T)
    add([{"role": "system", "content": "s", "tools": tools,
          "response_format": {"type": "json_object"}}, U()], T, "high", True, False)
    add([U(), A(tool_calls=calls3), {"role": "tool", "tool_call_id": "c", "content": "C"},
         {"role": "tool", "tool_call_id": "zzz", "content": "Z"},
         {"role": "tool", "tool_call_id": "a", "content": "A"},
         {"role": "tool", "tool_call_id": "b", "content": "B"}], T)
    add([U(), A(tool_calls=calls3), {"role": "tool", "tool_call_id": "b", "content": "B"},
         U("between"), {"role": "tool", "tool_call_id": "a", "content": "A"}], C)
    add([U(), A(tool_calls=[TC("d", "f", "{}"), TC("d", "g", "{}")]),
         {"role": "tool", "tool_call_id": "d", "content": "2"},
         {"role": "tool", "tool_call_id": "d", "content": "1"}], T)
    add([U(), A(tool_calls=[{"type": "function", "function": {"id": "p", "name": "f", "arguments": "{}"}},
                            {"type": "function", "function": {"id": "q", "name": "g", "arguments": "{}"}}]),
         {"role": "tool", "tool_call_id": "q", "content": "Q"},
         {"role": "tool", "tool_call_id": "p", "content": "P"}], T)
    add([U(), A(tool_calls=calls3[:2]), A("no calls"),
         {"role": "tool", "tool_call_id": "b", "content": "B"},
         {"role": "tool", "tool_call_id": "a", "content": "A"}], C)
    add([], T, "max")
    add([], C, None, True, False)
    add([U(), A("c", reasoning_content="r")], C, "max")
    add([A("first", reasoning_content="r0"), U(), A("x", reasoning_content="r1")], T, "max")
    add([U(), A("answer", task="title"), A("Title")], T)
    add([U(), A("answer", task="title"), {"role": "latest_reminder", "content": "d"}], C)
    add([U(task="action")], T)
    add([U(task="action")], C)
    add([U(task="query"), A("q1\nq2", reasoning_content="ignored")], T)
    add([{"role": "system", "content": "s", "task": "action"}], T)
    add([U(task="read_url"), {"role": "latest_reminder", "content": "d"}], T)
    add([{"role": "developer", "content": "dev1"}, U(), A(reasoning_content="r"), U()], T)
    add([{"role": "developer", "content": "dev1"}, U(), A(reasoning_content="r"), U()], T, None, False)
    add([{"role": "developer", "content": "dev", "tools": tools,
          "response_format": {"type": "json_object"}}, A(reasoning_content="r"), U()], T)
    for args in ['{"a": NaN, "b": Infinity, "c": -Infinity}', '{"big": 1e400, "neg": -1e999}',
                 '{"a": 1, "a": {"b": 2}, "c": 3, "a": [4]}', '{"s": "tab\there"}',
                 "\ufeff{}", "{}", "", "  {\"x\" : -0 , \"y\": -0.0}  ",
                 '{"n": 12345678901234567890123456789, "f": 1e16, "g": 1e15, "h": 1E-7}',
                 '{"u": "\\ud83d\\ude00\\u00e9\\/", "ctl": "\\u0001\\u001f\\u007f\\b\\f"}',
                 '{"o": {}, "l": [], "s": "", "t": true, "f": false, "z": null}',
                 '{"html": "<｜DSML｜parameter name=\\"x\\" string=\\"true\\">v</｜DSML｜parameter>"}']:
        add([U(), A(tool_calls=[TC("a", "f", args)])], T)
    add([U(), A(tool_calls=[TC("a", 'we"ird <name>', '{"k\\"ey": "v", "城市": "北京"}')])], C)
    add([U(), A(None, reasoning_content=None, tool_calls=[TC("a", "f", "{}")], wo_eos=True)], T)
    add([U(), {"role": "assistant"}], T, None, False)
    add([U("<｜User｜><｜Assistant｜></think><think><｜end▁of▁sentence｜>"), A("<｜DSML｜tool_calls>")], C)
    return out


# ---------------------------------------------------------------------------
# Parse cases
# ---------------------------------------------------------------------------

def render_assistant(msg, mode):
    """Completion text for `msg`, as the official encoder renders it."""
    user = {"role": "user", "content": "q"}
    pre = OFF.encode_messages([user], thinking_mode=mode, drop_thinking=False,
                              add_default_bos_token=False)
    full = OFF.encode_messages([user, msg], thinking_mode=mode, drop_thinking=False,
                               add_default_bos_token=False)
    assert full.startswith(pre)
    return full[len(pre):]


def clean_text(rng, lo=0, hi=7):
    return text(rng, lo, hi, special=0.0)


def rand_parse_message(rng):
    m = {"role": "assistant", "content": clean_text(rng, 0, 8)}
    m["reasoning_content"] = clean_text(rng, 0, 10)
    if rng.random() < 0.55:
        calls = []
        for i in range(rng.randint(1, 3)):
            obj = {}
            for _ in range(rng.randint(0, 4)):
                v = rand_value(rng)
                if isinstance(v, str):
                    v = clean_text(rng, 0, 6)
                obj[rand_key(rng) if rng.random() < 0.8 else "p%d" % len(obj)] = v
            args = to_json_text(rng, obj, False)
            calls.append(TC("c%d" % i, rng.choice(["get_weather", "search", "查询", "f"]), args))
        m["tool_calls"] = calls
    return m


def mutate(rng, s, mode):
    o = OFF
    D = o.dsml_token
    eos = o.eos_token
    k = rng.randint(0, 21)
    if k == 0 and s.endswith(eos):
        return s[:-len(eos)]
    if k == 1:
        return s.replace(o.thinking_end_token, "", 1)
    if k == 2:
        return s[:rng.randint(0, len(s))]
    if k == 3:  # cut right after a DSML boundary
        marks = ["\n\n<" + D + "tool_calls", "</" + D + "invoke", "</" + D + "invoke>\n",
                 "</" + D + "parameter>\n", "</" + D + "tool_calls>", "<" + D + "invoke",
                 "</" + D + "parameter>"]
        m = rng.choice(marks)
        p = s.find(m)
        return s[:p + len(m)] if p >= 0 else s[:len(s) // 2]
    if k == 4:  # duplicate a parameter line
        p = s.find("<" + D + "parameter")
        if p >= 0:
            e = s.find("\n", p)
            return s[:e + 1] + s[p:e + 1] + s[e + 1:]
        return s + "x"
    if k == 5:
        p = s.find("</" + D + "tool_calls>")
        if p >= 0:
            p += len("</" + D + "tool_calls>")
            return s[:p] + rng.choice(["extra", "\n", " "]) + s[p:]
        return s + "trailing"
    if k == 6:
        return s + rng.choice(["after eos", eos, "\n"])
    if k == 7:  # special token inside content / reasoning
        tok = rng.choice(special_tokens())
        p = s.find(o.thinking_end_token) + len(o.thinking_end_token) if mode == "thinking" else 0
        p = rng.choice([0, p, max(p, 0)])
        return s[:p] + tok + s[p:]
    if k == 8:
        return s.replace('string="false">', 'string="false">{bad json ', 1)
    if k == 9:
        return s.replace('string="true">', 'string="maybe">', 1)
    if k == 10:
        return s.replace(' name="', ' nam="', 1)
    if k == 11:
        return s.replace('<' + D + 'invoke name="', '<' + D + 'invoke  \n name="', 1)
    if k == 12:
        return s.replace(">\n<" + D + "parameter", "><" + D + "parameter", 1)
    if k == 13:
        return s.replace("\n", "\r\n")
    if k == 14:
        return s.replace("</" + D + "parameter>", "\n</" + D + "parameter>", 1)
    if k == 15:  # empty tool_calls block
        p = s.find("\n\n<" + D + "tool_calls>")
        if p < 0:
            p = s.rfind(eos)
        return s[:max(p, 0)] + "\n\n<" + D + "tool_calls>\n</" + D + "tool_calls>" + eos
    if k == 16:
        return s.replace("\n\n<" + D + "tool_calls>", "\n<" + D + "tool_calls>", 1)
    if k == 17:
        return s.replace('">\n<' + D + "parameter", '" extra="1">\n<' + D + "parameter", 1)
    if k == 18:  # second tool_calls block
        p = s.rfind(eos)
        blk = ("\n\n<" + D + "tool_calls>\n<" + D + 'invoke name="g">\n</' + D +
               "invoke>\n</" + D + "tool_calls>")
        return s[:p] + blk + s[p:] if p >= 0 else s + blk
    if k == 19:
        return s.replace("</" + D + "invoke>", "</" + D + "invoke >", 1)
    if k == 20:
        return s.replace("</" + D + "parameter>", "</" + D + "param>", 1)
    return s.replace('string="true">', 'string="false">', 1)


def targeted_parse():
    o = OFF
    D, E, TE = o.dsml_token, o.eos_token, o.thinking_end_token
    inv = lambda name, params: ("<" + D + 'invoke name="' + name + '">\n' + "".join(
        "<" + D + 'parameter name="%s" string="%s">%s</' % p + D + "parameter>\n" for p in params)
        + "</" + D + "invoke>")
    blk = lambda *invs: "\n\n<" + D + "tool_calls>\n" + "\n".join(invs) + "\n</" + D + "tool_calls>"
    T, C = "thinking", "chat"
    return [
        ("", T), ("", C), (E, C), (E, T), (TE + E, T), ("r" + TE + "c" + E, T),
        ("just content", C), ("r" + TE + "c", T), ("c" + E + "x", C),
        ("<think>r" + TE + "c" + E, T), ("r" + TE + "c" + E, C),
        ("a<｜User｜>b<｜Assistant｜>c" + E, C),
        ("r" + TE + blk(inv("f", [("a", "false", "1e16"), ("b", "true", "x\ny")])) + E, T),
        (blk(inv("f", [("a", "false", "{bad"), ("b", "false", "")])) + E, C),
        (blk(inv("f", [("n", "true", "tab\t\x01\x7f\u2028\"\\/")])) + E, C),
        (blk(inv("f", [("n", "true", "lt<")])) + E, C),
        (blk(inv("f", [("n", "true", "a<\n")])) + E, C),
        (blk(inv("f", [("n", "true", "a<\n")])).replace("<\n</", "<\n/", 1) + E, C),
        (blk(inv("f", [("a", "true", "x")]))[:-len(">\n</" + D + "tool_calls>")], C),
        (blk(inv("f", [("k", "true", "1"), ("k", "true", "2")])) + E, C),
        (blk(inv("f", [])) + E, C),
        (blk(inv("f", []).replace('">\n</', '">\n\n</')) + E, C),
        (blk(inv("f", [])) , C),
        ("\n\n<" + D + "tool_calls", C),
        ("r" + TE + "\n\n<" + D + "tool_calls>\n", T),
        (blk(inv("f", [("a", "true", "x")]))[:-len("\n</" + D + "tool_calls>")], C),
        (blk(inv("f", [("a", "true", "x")]))[:-len("</" + D + "invoke>\n</" + D + "tool_calls>")], C),
        (blk(inv("f", [("a", "true", "x")])).replace("</" + D + "tool_calls>", ""), C),
        ("\n\n<" + D + "tool_calls>\n</" + D + "tool_calls>" + E, C),
        ("x\n\n<" + D + "tool_calls>\n" + inv("f", []) + "\n" + inv("g", []) + "\n</" + D + "tool_calls>" + E, C),
        ("r\n\n<" + D + "tool_calls>" + TE + E, T),
        (blk(inv('a"b', [('c"d', "true", 'e"f')])) + E, C),
        (blk(inv("f", [("a", "false", "NaN"), ("b", "false", "[1, 2, ]")])) + E, C),
        (blk(inv("f", [("日本", "true", "語😀")])) + E, C),
        (blk(inv("f", [("a", "true", "<" + D + "parameter")])) + E, C),
        (blk(inv(" f ", [("a", "true", "")])) + E, C),
        (blk(inv("f", [("a", "TRUE", "x")])) + E, C),
        (blk(inv("f", [("a", "true", "x")])) + "\n" + E, C),
        (blk(inv("f", [("a", "true", "x")])) + E + E, C),
        ("c" + o.bos_token + E, C), ("c" + D + E, C), ("c<think>" + E, C),
    ]


# ---------------------------------------------------------------------------
# Driver
# ---------------------------------------------------------------------------

def err_str(e):
    return "%s: %s" % (type(e).__name__, e)


def roundtrip(obj):
    """What a reader of the JSONL file will see (also catches lone surrogates)."""
    line = json.dumps(obj, ensure_ascii=False)
    line.encode("utf-8")  # raises on lone surrogates
    return json.loads(line)


def encode_case(i, msgs, mode, eff, drop, bos):
    msgs = roundtrip(msgs)
    case = {"id": i, "messages": msgs, "thinking_mode": mode, "reasoning_effort": eff,
            "drop_thinking": drop, "add_bos": bos}
    try:
        case["expected"] = OFF.encode_messages(copy.deepcopy(msgs), thinking_mode=mode,
                                               drop_thinking=drop, add_default_bos_token=bos,
                                               reasoning_effort=eff)
    except Exception as e:  # noqa: BLE001 - we record whatever the official raises
        case["expected_error"] = err_str(e)
    return case


def parse_case(i, textv, mode):
    case = {"id": i, "thinking_mode": mode, "text": textv}
    try:
        case["expected"] = OFF.parse_message_from_completion_text(textv, thinking_mode=mode)
    except Exception as e:  # noqa: BLE001
        case["expected_error"] = err_str(e)
    return case


def gen_encode(rng, count):
    cases = []
    for t in targeted_encode():
        if len(cases) < count:
            cases.append(encode_case(len(cases), *t))
    while len(cases) < count:
        msgs = rand_conversation(rng)
        mode = rng.choice(["chat", "thinking", "thinking"])
        eff = rng.choice([None, None, "high", "max"])
        drop = rng.random() < 0.7
        bos = rng.random() < 0.85
        case = encode_case(len(cases), msgs, mode, eff, drop, bos)
        if len(json.dumps(case, ensure_ascii=False)) > 12000:
            continue  # keep cases small
        cases.append(case)
    return cases


def gen_parse(rng, count):
    cases = []
    for textv, mode in targeted_parse():
        if len(cases) < count:
            cases.append(parse_case(len(cases), textv, mode))
    while len(cases) < count:
        mode = rng.choice(["chat", "thinking"])
        s = render_assistant(rand_parse_message(rng), mode)
        r = rng.random()
        if r < 0.45:
            s = mutate(rng, s, mode)
        elif r < 0.5:
            mode = "chat" if mode == "thinking" else "thinking"
        cases.append(parse_case(len(cases), s, mode))
    return cases


def write_jsonl(path, cases):
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        for c in cases:
            line = json.dumps(c, ensure_ascii=False)
            assert json.loads(line) == c
            f.write(line + "\n")


def main():
    global OFF
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--official", required=True, help="path to encoding_dsv4.py")
    ap.add_argument("--seed", type=int, default=20260518)
    ap.add_argument("--count", type=int, default=600, help="encode cases")
    ap.add_argument("--parse-count", type=int, default=400, help="parse cases")
    ap.add_argument("--out", default=os.path.dirname(os.path.abspath(__file__)))
    a = ap.parse_args()
    if not __debug__:
        sys.exit("run without -O: the official code signals errors with assert")
    if os.environ.get("PYTHONHASHSEED") != "0":
        # Some official error messages print a set; pin its iteration order.
        os.execve(sys.executable, [sys.executable] + sys.argv,
                  dict(os.environ, PYTHONHASHSEED="0"))
    spec = importlib.util.spec_from_file_location("encoding_dsv4", a.official)
    OFF = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(OFF)

    rng = random.Random(a.seed)
    enc = gen_encode(rng, a.count)
    par = gen_parse(random.Random(a.seed + 1), a.parse_count)
    write_jsonl(os.path.join(a.out, "encode_cases.jsonl"), enc)
    write_jsonl(os.path.join(a.out, "parse_cases.jsonl"), par)
    for name, cs in (("encode", enc), ("parse", par)):
        bad = sum("expected_error" in c for c in cs)
        print("%s: %d cases, %d ok, %d error" % (name, len(cs), len(cs) - bad, bad))


if __name__ == "__main__":
    main()
