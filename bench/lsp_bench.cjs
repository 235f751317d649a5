// LSP completion latency through a real client (vscode-jsonrpc), `seek lsp --no-daemon`.
//   node bench/lsp_bench.cjs SEEK_BINARY [TINY_CHECKPOINT]
// 1. Overhead: 1,000 inlineCompletion requests on the model-free backend (whose own work is
//    a few microseconds), each after a one-character edit: the round trip is the server's
//    own cost (framing, JSON, document store, dispatch, worker hand-off). p50/p99.
// 2. With a checkpoint: keystroke-to-suggestion on the local engine with an 8K-token
//    context (other open files + a long current file): type 24 characters one at a time,
//    each an edit plus a request; report p50 and the first (cold) request separately.
// 3. The first request after a restart, without and with the persistent KV store.
'use strict';
const cp = require('node:child_process');
const rpc = require('vscode-jsonrpc/node');
const lsp = require('vscode-languageserver-protocol/node');

const [seek, model] = process.argv.slice(2);
const quantile = (xs, q) => { const s = [...xs].sort((a, b) => a - b); return s[Math.min(s.length - 1, Math.floor(q * s.length))]; };

async function session(args, env) {
  const child = cp.spawn(seek, ['lsp', '--no-daemon', ...args], { stdio: ['pipe', 'pipe', 'inherit'], env: { ...process.env, ...env } });
  const c = rpc.createMessageConnection(new rpc.StreamMessageReader(child.stdout), new rpc.StreamMessageWriter(child.stdin));
  c.listen();
  await c.sendRequest(lsp.InitializeRequest.type, { processId: process.pid, rootUri: null, capabilities: {} });
  c.sendNotification(lsp.InitializedNotification.type, {});
  return { c, child };
}

async function close({ c, child }) {
  await c.sendRequest(lsp.ShutdownRequest.type);
  c.sendNotification(lsp.ExitNotification.type);
  await new Promise((r) => child.on('exit', r));
}

async function overhead() {
  const s = await session([], { SEEK_MODEL: '' });
  const uri = 'file:///bench/a.ts';
  let text = '';
  for (let i = 0; i < 400; i++) text += `export function handler_${i}(req: Request): Response { return respond(req, ${i}); }\n`;
  text += 'export function ';
  s.c.sendNotification(lsp.DidOpenTextDocumentNotification.type, { textDocument: { uri, languageId: 'typescript', version: 1, text } });
  const line = 400;
  let col = 'export function '.length;
  const times = [];
  for (let i = 0; i < 1000; i++) {
    const ch = 'h';
    s.c.sendNotification(lsp.DidChangeTextDocumentNotification.type, {
      textDocument: { uri, version: i + 2 },
      contentChanges: [{ range: { start: { line, character: col }, end: { line, character: col } }, text: ch }],
    });
    col += 1;
    const t0 = process.hrtime.bigint();
    await s.c.sendRequest(lsp.InlineCompletionRequest.type, { textDocument: { uri }, position: { line, character: col }, context: { triggerKind: 2 } });
    times.push(Number(process.hrtime.bigint() - t0) / 1e6);
    if (i % 50 === 49) {  // start a fresh word now and then so the line stays short
      s.c.sendNotification(lsp.DidChangeTextDocumentNotification.type, {
        textDocument: { uri, version: i + 100000 },
        contentChanges: [{ range: { start: { line, character: 'export function '.length }, end: { line, character: col } }, text: '' }],
      });
      col = 'export function '.length;
    }
  }
  await close(s);
  return { requests: times.length, p50_ms: quantile(times, 0.5), p99_ms: quantile(times, 0.99), max_ms: Math.max(...times) };
}

async function engine(modelDir, env = {}) {
  const s = await session(['--model', modelDir], env);
  // ~8K tokens of context: two other open files and a long current file.
  const mk = (n, tag) => { let t = ''; for (let i = 0; i < n; i++) t += `int ${tag}_value_${i} = compute_${tag}(${i}, ${i * 7 % 13});\n`; return t; };
  s.c.sendNotification(lsp.DidOpenTextDocumentNotification.type, { textDocument: { uri: 'file:///bench/ctx1.cc', languageId: 'cpp', version: 1, text: mk(200, 'alpha') } });
  s.c.sendNotification(lsp.DidOpenTextDocumentNotification.type, { textDocument: { uri: 'file:///bench/ctx2.cc', languageId: 'cpp', version: 1, text: mk(200, 'beta') } });
  const uri = 'file:///bench/main.cc';
  const body = mk(150, 'main');
  s.c.sendNotification(lsp.DidOpenTextDocumentNotification.type, { textDocument: { uri, languageId: 'cpp', version: 1, text: body + 'int total = ' } });
  const line = 150;
  let col = 'int total = '.length;
  const typed = 'compute_main(7, 3) + 1;';
  const times = [];
  const status0 = await s.c.sendRequest('seek/status', {});
  for (let i = 0; i < typed.length; i++) {
    const t0 = process.hrtime.bigint();
    s.c.sendNotification(lsp.DidChangeTextDocumentNotification.type, {
      textDocument: { uri, version: i + 2 },
      contentChanges: [{ range: { start: { line, character: col }, end: { line, character: col } }, text: typed[i] }],
    });
    col += 1;
    await s.c.sendRequest(lsp.InlineCompletionRequest.type, { textDocument: { uri }, position: { line, character: col }, context: { triggerKind: 2 } });
    times.push(Number(process.hrtime.bigint() - t0) / 1e6);
  }
  await close(s);
  const warm = times.slice(1);
  return { keystrokes: times.length, cold_ms: times[0], p50_ms: quantile(warm, 0.5), p90_ms: quantile(warm, 0.9), backend: status0.backend };
}

(async () => {
  console.log(JSON.stringify({ overhead: await overhead() }));
  if (!model) return;
  // 3. The persistent KV store: the first request after a restart. Baseline: no store (every
  //    start recomputes the whole prompt). Then one process fills a fresh store and a second
  //    process (the restart) starts from what it stored.
  const cache = require('node:fs').mkdtempSync(require('node:path').join(require('node:os').tmpdir(), 'seek-kv-bench-'));
  const noStore = await engine(model, { SEEK_KV_CACHE: '0' });
  console.log(JSON.stringify({ engine_tiny_8k: noStore }));
  await engine(model, { XDG_CACHE_HOME: cache });
  const restarted = await engine(model, { XDG_CACHE_HOME: cache });
  console.log(JSON.stringify({ restart_cold_ms: { no_store: noStore.cold_ms, with_store: restarted.cold_ms,
    ratio: +(noStore.cold_ms / restarted.cold_ms).toFixed(1) }, restarted_p50_ms: restarted.p50_ms }));
  require('node:fs').rmSync(cache, { recursive: true, force: true });
})().catch((e) => { console.error(e); process.exit(1); });
