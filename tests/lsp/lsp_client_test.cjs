// A real LSP client (vscode-jsonrpc + vscode-languageserver-protocol 3.18 from npm) drives
// `seek lsp --no-daemon`: initialize (position-encoding negotiation), open, incremental
// edits with an emoji before the cursor, inlineCompletion items (range on the cursor line,
// containing the cursor, insertText replacing it), the completion fallback, seek/status,
// unknown methods and bad params, a cancellation answering -32800 (on the local engine with
// a tiny random checkpoint, so there is a generation to stop), and shutdown/exit code 0.
//   node tests/lsp/lsp_client_test.cjs SEEK_BINARY
'use strict';
const assert = require('node:assert/strict');
const cp = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const rpc = require('vscode-jsonrpc/node');
const lsp = require('vscode-languageserver-protocol/node');

const seek = process.argv[2];
if (!seek) { console.error('usage: lsp_client_test.cjs SEEK_BINARY'); process.exit(2); }

function start(args, env) {
  const child = cp.spawn(seek, ['lsp', '--no-daemon', ...args], { stdio: ['pipe', 'pipe', 'inherit'], env: { ...process.env, ...env } });
  const connection = rpc.createMessageConnection(new rpc.StreamMessageReader(child.stdout), new rpc.StreamMessageWriter(child.stdin));
  connection.listen();
  const exited = new Promise((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, connection, exited };
}

async function initialize(connection, encodings) {
  const result = await connection.sendRequest(lsp.InitializeRequest.type, {
    processId: process.pid, rootUri: null,
    capabilities: { general: { positionEncodings: encodings } },
  });
  connection.sendNotification(lsp.InitializedNotification.type, {});
  return result;
}

async function expectError(promise, code) {
  try { await promise; } catch (e) { assert.equal(e.code, code, `expected error ${code}, got ${e.code}: ${e.message}`); return e; }
  assert.fail(`expected error ${code}, got a result`);
}

// Applies an inline item to the document text the way an editor does.
function applyItem(lines, item) {
  const { start, end } = item.range;
  assert.equal(start.line, end.line, 'the range stays on one line');
  const line = lines[start.line];
  const toUnits = (s) => s; // JS strings index in UTF-16 units, the negotiated encoding
  return toUnits(line).slice(0, start.character) + item.insertText + toUnits(line).slice(end.character);
}

async function lineHistorySession() {
  const { connection, exited } = start([], { SEEK_MODEL: '' });
  const init = await initialize(connection, ['utf-16']);
  assert.equal(init.capabilities.positionEncoding, 'utf-16');
  assert.equal(init.capabilities.inlineCompletionProvider, true);
  assert.equal(init.capabilities.textDocumentSync.change, 2);

  const uri = 'file:///tmp/demo.py';
  const text = 'def area(w, h):\n    return w * h  # 😀 area\n    # 😀 area of a rectangle\ndef other():\n';
  connection.sendNotification(lsp.DidOpenTextDocumentNotification.type, {
    textDocument: { uri, languageId: 'python', version: 1, text },
  });
  // Incremental edits: type "    # 😀 " then "return w" on line 4 (the emoji sits before the cursor).
  connection.sendNotification(lsp.DidChangeTextDocumentNotification.type, {
    textDocument: { uri, version: 2 },
    contentChanges: [{ range: { start: { line: 4, character: 0 }, end: { line: 4, character: 0 } }, text: '    # 😀 ' }],
  });
  connection.sendNotification(lsp.DidChangeTextDocumentNotification.type, {
    textDocument: { uri, version: 3 },
    contentChanges: [{ range: { start: { line: 4, character: 9 }, end: { line: 4, character: 9 } }, text: 'x\n    return w' }],
  });
  const lines = ['def area(w, h):', '    return w * h  # 😀 area', '    # 😀 area of a rectangle', 'def other():', '    # 😀 x', '    return w'];
  const cursor = { line: 5, character: lines[5].length };
  const result = await connection.sendRequest(lsp.InlineCompletionRequest.type, {
    textDocument: { uri }, position: cursor, context: { triggerKind: 1 },
  });
  assert.equal(result.items.length, 1, JSON.stringify(result));
  const item = result.items[0];
  assert.equal(item.range.start.line, cursor.line);
  assert.ok(item.range.start.character <= cursor.character && cursor.character <= item.range.end.character, 'the range contains the cursor');
  assert.equal(applyItem(lines, item), '    return w * h  # 😀 area');

  // Emoji before the cursor on its own line: UTF-16 columns (😀 counts 2).
  connection.sendNotification(lsp.DidChangeTextDocumentNotification.type, {
    textDocument: { uri, version: 4 },
    contentChanges: [{ range: { start: { line: 5, character: 0 }, end: { line: 5, character: 12 } }, text: '    # 😀 a' }],
  });
  connection.sendNotification(lsp.DidChangeTextDocumentNotification.type, {
    textDocument: { uri, version: 5 },
    contentChanges: [{ range: { start: { line: 5, character: 10 }, end: { line: 5, character: 10 } }, text: 'r' }],
  });
  lines[5] = '    # 😀 ar';
  assert.equal(lines[5].length, 11);  // UTF-16 units: the emoji counts 2
  const second = await connection.sendRequest(lsp.InlineCompletionRequest.type, {
    textDocument: { uri }, position: { line: 5, character: 11 }, context: { triggerKind: 2 },
  });
  assert.equal(second.items.length, 1, JSON.stringify(second));
  assert.equal(applyItem(lines, second.items[0]), '    # 😀 area of a rectangle');  // from line 2
  assert.deepEqual(second.items[0].range, { start: { line: 5, character: 0 }, end: { line: 5, character: 11 } });

  // The completion fallback answers with a text edit.
  const list = await connection.sendRequest(lsp.CompletionRequest.type, { textDocument: { uri }, position: { line: 5, character: 11 } });
  assert.equal(list.items[0].textEdit.newText, '    # 😀 area of a rectangle');

  // Errors: unknown method, bad params, a document that is not open.
  await expectError(connection.sendRequest('seek/noSuchMethod', {}), -32601);
  await expectError(connection.sendRequest(lsp.InlineCompletionRequest.type.method, { textDocument: {}, position: { line: 'x' } }), -32602);
  await expectError(connection.sendRequest(lsp.InlineCompletionRequest.type, {
    textDocument: { uri: 'file:///nope' }, position: { line: 0, character: 0 }, context: { triggerKind: 1 } }), -32602);
  const status = await connection.sendRequest('seek/status', {});
  assert.equal(status.backend, 'line-history');
  assert.equal(status.documents, 1);
  connection.sendNotification('seek/didShowCompletion', { uri });

  await connection.sendRequest(lsp.ShutdownRequest.type);
  connection.sendNotification(lsp.ExitNotification.type);
  assert.equal(await exited, 0, 'exit after shutdown is code 0');
}

async function engineSession(model) {
  const { connection, exited } = start(['--model', model], {});
  const init = await initialize(connection, ['utf-8', 'utf-16']);
  assert.equal(init.capabilities.positionEncoding, 'utf-8');
  const uri = 'file:///tmp/big.cc';
  let text = '';
  for (let i = 0; i < 80; i++) text += `int value_${i} = compute(${i}, "😀");\n`;
  text += '\n';
  connection.sendNotification(lsp.DidOpenTextDocumentNotification.type, { textDocument: { uri, languageId: 'cpp', version: 1, text } });
  const position = { line: 80, character: 0 };
  // A completion that finishes: the engine answers with an item (or none) at the cursor.
  const done = await connection.sendRequest(lsp.InlineCompletionRequest.type, { textDocument: { uri }, position, context: { triggerKind: 1 } });
  for (const item of done.items) {
    assert.equal(item.range.start.line, position.line);
    assert.equal(item.range.end.character, 0);
  }
  // The same request again is answered from the cache.
  const again = await connection.sendRequest(lsp.InlineCompletionRequest.type, { textDocument: { uri }, position, context: { triggerKind: 1 } });
  assert.deepEqual(again, done);
  // Cancellation: -32800, and the server keeps serving. An edit on the first line leaves
  // no cached prefix, so there is a whole prompt to stop.
  connection.sendNotification(lsp.DidChangeTextDocumentNotification.type, {
    textDocument: { uri, version: 2 },
    contentChanges: [{ range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, text: '// edited\n' }],
  });
  position.line += 1;
  const source = new rpc.CancellationTokenSource();
  const pending = connection.sendRequest(lsp.InlineCompletionRequest.type, { textDocument: { uri }, position, context: { triggerKind: 1 } }, source.token);
  setTimeout(() => source.cancel(), 20);
  const started = Date.now();
  await expectError(pending, -32800);
  const cancelMs = Date.now() - started;
  const status = await connection.sendRequest('seek/status', {});
  assert.equal(status.backend, 'local-engine');
  await connection.sendRequest(lsp.ShutdownRequest.type);
  connection.sendNotification(lsp.ExitNotification.type);
  assert.equal(await exited, 0);
  return cancelMs;
}

async function exitWithoutShutdown() {
  const { connection, exited } = start([], { SEEK_MODEL: '' });
  await initialize(connection, []);
  connection.sendNotification(lsp.ExitNotification.type);
  assert.equal(await exited, 1, 'exit without shutdown is code 1');
}

(async () => {
  await lineHistorySession();
  console.log('ok: line-history session');
  await exitWithoutShutdown();
  console.log('ok: exit without shutdown -> 1');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'seek-lsp-'));
  try {
    const model = path.join(dir, 'tiny');
    cp.execFileSync(seek, ['model', 'init', '--preset', 'tiny', '--seed', '1', '--out', model], { stdio: 'ignore' });
    const ms = await engineSession(model);
    console.log(`ok: engine session (cancel answered in ${ms} ms)`);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
})().catch((e) => { console.error(e); process.exit(1); });
