#!/usr/bin/env python3
"""Transport robustness of `seek lsp --no-daemon`, clangd style, on raw bytes.

Each bad input below gets its error reply, and a valid request sent right after it is
still answered: duplicate (conflicting) Content-Length, a malformed Content-Length, a header
block without one, invalid JSON, a body that is not a message, an oversized message, a
truncated frame (its body swallows the next frame's bytes; the one after is served), an
unknown method, wrong params, a request before initialize, and garbage between frames.
Finally a truncated stream at EOF ends the server with exit code 1 and nothing else.

  python3 tests/lsp/transport_robustness_test.py SEEK_BINARY
"""
import json
import os
import select
import subprocess
import sys


class Peer:
    def __init__(self, seek):
        env = dict(os.environ, SEEK_MODEL="")
        self.p = subprocess.Popen([seek, "lsp", "--no-daemon"], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                  stderr=subprocess.DEVNULL, env=env)
        self.buf = b""
        self.next_id = 100

    def raw(self, data: bytes):
        self.p.stdin.write(data)
        self.p.stdin.flush()

    def send(self, obj):
        body = json.dumps(obj).encode()
        self.raw(b"Content-Length: %d\r\n\r\n" % len(body) + body)

    def recv(self, timeout=10.0):
        while True:
            head_end = self.buf.find(b"\r\n\r\n")
            if head_end >= 0:
                length = None
                for line in self.buf[:head_end].split(b"\r\n"):
                    if line.lower().startswith(b"content-length:"):
                        length = int(line.split(b":")[1])
                start = head_end + 4
                if length is not None and len(self.buf) >= start + length:
                    body = self.buf[start:start + length]
                    self.buf = self.buf[start + length:]
                    return json.loads(body)
            ready, _, _ = select.select([self.p.stdout], [], [], timeout)
            if not ready:
                raise AssertionError("no reply within %.0f s" % timeout)
            chunk = os.read(self.p.stdout.fileno(), 65536)
            if not chunk:
                raise AssertionError("server closed its output")
            self.buf += chunk

    def request(self, method, params=None):
        self.next_id += 1
        msg = {"jsonrpc": "2.0", "id": self.next_id, "method": method}
        if params is not None:
            msg["params"] = params
        self.send(msg)
        return self.next_id

    def expect_served(self, what):
        rid = self.request("seek/status", {})
        reply = self.recv()
        assert reply.get("id") == rid and "result" in reply, f"after {what}: status not served: {reply}"


def expect_error(reply, code, what):
    assert "error" in reply, f"{what}: expected error {code}, got {reply}"
    assert reply["error"]["code"] == code, f"{what}: expected {code}, got {reply['error']}"


def main():
    seek = sys.argv[1]
    peer = Peer(seek)
    # Before initialize: -32002, and the server stays up.
    rid = peer.request("seek/status", {})
    expect_error(peer.recv(), -32002, "request before initialize")
    peer.request("initialize", {"processId": None, "rootUri": None, "capabilities": {}})
    assert "result" in peer.recv()
    peer.send({"jsonrpc": "2.0", "method": "initialized", "params": {}})

    cases = [
        ("conflicting Content-Length", b"Content-Length: 2\r\nContent-Length: 5\r\n\r\n{}", -32700),
        ("malformed Content-Length", b"Content-Length: abc\r\n\r\n", -32700),
        ("no Content-Length", b"Content-Type: application/json\r\n\r\n", -32700),
        ("invalid JSON", b"Content-Length: 8\r\n\r\n{\"a\": 1,", -32700),
        ("not a message", b"Content-Length: 7\r\n\r\n[1,2,3]", -32600),
        ("oversized message", b"Content-Length: 70000000\r\n\r\n" + b"x" * 70000000, -32700),
    ]
    for what, data, code in cases:
        peer.raw(data)
        expect_error(peer.recv(timeout=30), code, what)
        peer.expect_served(what)
        print("ok:", what)

    # A truncated frame: its declared body swallows the start of the next frame; that yields
    # one error, the garbage is skipped, and the request after it is served.
    peer.raw(b"Content-Length: 40\r\n\r\n{\"jsonrpc\":\"2.0\",")
    peer.request("seek/status", {})  # partly eaten
    reply = peer.recv()
    assert "error" in reply, reply
    rid = peer.request("seek/status", {})
    while True:  # the eaten frame's remains may be reported once more, as errors without an id
        reply = peer.recv()
        if reply.get("id") == rid and "result" in reply:
            break
        assert "error" in reply and reply.get("id") is None, reply
    print("ok: truncated frame")

    # Garbage is only known for garbage once the next header arrives: one error, then the
    # request that follows is served.
    peer.raw(b"garbage between frames\r\n")
    rid = peer.request("seek/status", {})
    expect_error(peer.recv(), -32700, "garbage")
    reply = peer.recv()
    assert reply.get("id") == rid and "result" in reply, reply
    print("ok: garbage between frames")

    rid = peer.request("textDocument/noSuchThing", {})
    expect_error(peer.recv(), -32601, "unknown method")
    rid = peer.request("textDocument/inlineCompletion", {"textDocument": 5})
    expect_error(peer.recv(), -32602, "wrong params")
    peer.expect_served("wrong params")
    print("ok: unknown method, wrong params")

    # A truncated stream at EOF: the server ends, with code 1 (no shutdown), without a crash.
    peer.raw(b"Content-Length: 100\r\n\r\n{\"jsonrpc\"")
    peer.p.stdin.close()
    code = peer.p.wait(timeout=10)
    assert code == 1, f"exit code {code}"
    print("ok: truncated stream ends with exit code 1")


if __name__ == "__main__":
    main()
