// `seek lsp` bridged to the daemon: the first client starts the daemon (on a tiny random
// checkpoint), a second client shares it; each session keeps its own documents, both get
// completions from the one engine, exit codes follow the LSP rules through the bridge, and
// `seek daemon stop` ends it all.
//   node tests/lsp/lsp_bridge_test.cjs SEEK_BINARY
'use strict';
const assert = require('node:assert/strict');
const cp = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const rpc = require('vscode-jsonrpc/node');
const lsp = require('vscode-languageserver-protocol/node');

const seek = process.argv[2];
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'seek-bridge-'));
const env = { ...process.env, XDG_RUNTIME_DIR: path.join(dir, 'run'), SEEK_MODEL: '' };
fs.mkdirSync(env.XDG_RUNTIME_DIR, { mode: 0o700 });

function client(model) {
  const args = ['lsp', ...(model ? ['--model', model] : [])];
  const child = cp.spawn(seek, args, { stdio: ['pipe', 'pipe', 'inherit'], env });
  const c = rpc.createMessageConnection(new rpc.StreamMessageReader(child.stdout), new rpc.StreamMessageWriter(child.stdin));
  c.listen();
  return { c, exited: new Promise((r) => child.on('exit', (code) => r(code))) };
}

async function open(c, uri, text) {
  const init = await c.sendRequest(lsp.InitializeRequest.type, { processId: process.pid, rootUri: null, capabilities: {} });
  c.sendNotification(lsp.InitializedNotification.type, {});
  c.sendNotification(lsp.DidOpenTextDocumentNotification.type, { textDocument: { uri, languageId: 'python', version: 1, text } });
  return init;
}

(async () => {
  try {
    const model = path.join(dir, 'tiny');
    cp.execFileSync(seek, ['model', 'init', '--preset', 'tiny', '--seed', '2', '--out', model], { stdio: 'ignore' });
    const a = client(model);  // starts the daemon with this model
    const initA = await open(a.c, 'file:///a.py', 'def f(x):\n    return x\n');
    assert.equal(initA.capabilities.inlineCompletionProvider, true);
    const b = client(null);  // attaches to the running daemon
    await open(b.c, 'file:///b.py', 'import os\n');
    b.c.sendNotification(lsp.DidOpenTextDocumentNotification.type, { textDocument: { uri: 'file:///b2.py', languageId: 'python', version: 1, text: 'x = 1\n' } });
    const statusA = await a.c.sendRequest('seek/status', {});
    const statusB = await b.c.sendRequest('seek/status', {});
    assert.equal(statusA.backend, 'local-engine');
    assert.equal(statusA.documents, 1, 'each session has its own documents');
    assert.equal(statusB.documents, 2);
    const result = await a.c.sendRequest(lsp.InlineCompletionRequest.type, {
      textDocument: { uri: 'file:///a.py' }, position: { line: 2, character: 0 }, context: { triggerKind: 1 } });
    assert.ok(Array.isArray(result.items));
    let daemonStatus = JSON.parse(cp.execFileSync(seek, ['daemon', 'status'], { env }).toString());
    assert.ok(daemonStatus.pid > 0);
    // Both bridged editors count as clients (asked until connections that just left are gone).
    for (let i = 0; i < 40 && daemonStatus.clients !== 2; i++) {
      await new Promise((r) => setTimeout(r, 50));
      daemonStatus = JSON.parse(cp.execFileSync(seek, ['daemon', 'status'], { env }).toString());
    }
    assert.equal(daemonStatus.clients, 2, 'both bridged editors count as clients of the daemon');
    await a.c.sendRequest(lsp.ShutdownRequest.type);
    a.c.sendNotification(lsp.ExitNotification.type);
    assert.equal(await a.exited, 0, 'exit after shutdown: 0 through the bridge');
    b.c.sendNotification(lsp.ExitNotification.type);
    assert.equal(await b.exited, 1, 'exit without shutdown: 1 through the bridge');
    console.log('ok: two bridged sessions on one daemon');
  } finally {
    try { cp.execFileSync(seek, ['daemon', 'stop'], { env, stdio: 'ignore' }); } catch (e) { /* not running */ }
    fs.rmSync(dir, { recursive: true, force: true });
  }
})().catch((e) => { console.error(e); process.exit(1); });
