// Inline completion from an OpenAI-compatible server's fill-in-the-middle (Completions API:
// prompt + suffix, streamed), first in-process (`seek lsp --no-daemon --backend openai`),
// then through a daemon that `seek lsp --backend openai` starts with those flags. Checked:
// the item, the request (path, prompt ending at the cursor, suffix, the one-line stop, the
// key in the header only), and that bad flags exit 2.
//   node tests/lsp/lsp_remote_test.cjs SEEK_BINARY
'use strict';
const assert = require('node:assert/strict');
const cp = require('node:child_process');
const fs = require('node:fs');
const http = require('node:http');
const os = require('node:os');
const path = require('node:path');
const rpc = require('vscode-jsonrpc/node');
const lsp = require('vscode-languageserver-protocol/node');

const seek = path.resolve(process.argv[2]);
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'seek-remote-lsp-'));
const env = { ...process.env, XDG_RUNTIME_DIR: path.join(work, 'run'), XDG_CONFIG_HOME: path.join(work, 'config'),
  XDG_DATA_HOME: path.join(work, 'data'), DEEPSEEK_API_KEY: 'sk-fim-key', OPENAI_API_KEY: '', SEEK_MODEL: '' };
fs.mkdirSync(env.XDG_RUNTIME_DIR, { mode: 0o700 });

async function session(args, requests) {
  const child = cp.spawn(seek, ['lsp', ...args], { stdio: ['pipe', 'pipe', 'inherit'], env });
  const c = rpc.createMessageConnection(new rpc.StreamMessageReader(child.stdout), new rpc.StreamMessageWriter(child.stdin));
  c.listen();
  await c.sendRequest(lsp.InitializeRequest.type, { processId: process.pid, rootUri: null, capabilities: {} });
  c.sendNotification(lsp.InitializedNotification.type, {});
  const uri = 'file:///w/calc.py';
  const text = 'def add(a, b):\n    return \n\nprint(add(1, 2))\n';
  c.sendNotification(lsp.DidOpenTextDocumentNotification.type, { textDocument: { uri, languageId: 'python', version: 1, text } });
  const before = requests.length;
  const result = await c.sendRequest(lsp.InlineCompletionRequest.type, {
    textDocument: { uri }, position: { line: 1, character: 11 }, context: { triggerKind: 1 } });
  assert.equal(result.items.length, 1, JSON.stringify(result));
  assert.equal(result.items[0].insertText, '    return a + b');
  assert.equal(requests.length, before + 1);
  const q = requests.at(-1);
  assert.equal(q.url, '/v1/completions');
  assert.equal(q.auth, 'Bearer sk-fim-key');
  assert.equal(q.body.model, 'fim-model');
  assert.ok(q.body.prompt.endsWith('def add(a, b):\n    return '), q.body.prompt);
  assert.ok(q.body.prompt.includes('calc.py'), 'the file is named in the prompt');
  assert.ok(q.body.suffix.startsWith('\n\nprint(add(1, 2))'), q.body.suffix);
  assert.deepEqual(q.body.stop, ['\n']);
  assert.equal(q.body.stream, true);
  await c.sendRequest(lsp.ShutdownRequest.type);
  c.sendNotification(lsp.ExitNotification.type);
  return new Promise((r) => child.on('exit', r));
}

(async () => {
  const requests = [];
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (d) => { body += d; });
    req.on('end', () => {
      requests.push({ url: req.url, auth: req.headers.authorization, body: JSON.parse(body) });
      res.writeHead(200, { 'Content-Type': 'text/event-stream' });
      for (const t of ['a', ' + ', 'b']) res.write(`data: ${JSON.stringify({ choices: [{ index: 0, text: t }] })}\n\n`);
      res.end(`data: ${JSON.stringify({ choices: [{ index: 0, text: '', finish_reason: 'stop' }] })}\n\ndata: [DONE]\n\n`);
    });
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${server.address().port}/v1`;
  try {
    assert.equal(await session(['--no-daemon', '--backend', 'openai', '--base-url', url, '--model', 'fim-model'], requests), 0);
    console.log('ok: in-process remote fill-in-the-middle');
    assert.equal(await session(['--backend', 'openai', '--base-url', url, '--model', 'fim-model'], requests), 0);
    const status = JSON.parse(cp.execFileSync(seek, ['daemon', 'status'], { env }).toString());
    assert.ok(status.pid > 0);
    console.log('ok: a daemon started with --backend openai serves it');
    for (const args of [['lsp', '--backend', 'openai', '--model', 'm'], ['lsp', '--backend', 'openai', '--base-url', url],
      ['daemon', 'start', '--backend', 'openai', '--model', 'm'], ['lsp', '--backend', 'nope']]) {
      const r = cp.spawnSync(seek, args, { env, input: '' });
      assert.equal(r.status, 2, `${args.join(' ')}: ${r.status} ${r.stderr}`);
    }
    console.log('ok: bad remote flags exit 2');
  } finally {
    try { cp.execFileSync(seek, ['daemon', 'stop'], { env, stdio: 'ignore' }); } catch (e) { /* none ran */ }
    server.close();
    fs.rmSync(work, { recursive: true, force: true });
  }
})().catch((e) => { console.error(e.stack || e); process.exit(1); });
