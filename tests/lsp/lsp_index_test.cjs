// The repository index behind completions, through a real client: initialize with a
// rootUri builds the index in the background with $/progress (after
// window/workDoneProgress/create); a completion's prompt carries the definitions of the
// symbols used near the cursor, from other files (seek/status lastContext shows which);
// didSave re-indexes a file, so a function added there is found next time.
//   node tests/lsp/lsp_index_test.cjs SEEK_BINARY
'use strict';
const assert = require('node:assert/strict');
const cp = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const rpc = require('vscode-jsonrpc/node');
const lsp = require('vscode-languageserver-protocol/node');

const seek = process.argv[2];
const root = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'seek-index-')));
const uri = (rel) => 'file://' + path.join(root, rel);

(async () => {
  try {
    fs.mkdirSync(path.join(root, 'lib'));
    fs.writeFileSync(path.join(root, 'lib', 'geometry.py'), 'def compute_area(width, height):\n    return width * height\n');
    fs.writeFileSync(path.join(root, 'names.ts'), 'export function formatName(first: string, last: string): string {\n  return `${last}, ${first}`;\n}\n');
    fs.writeFileSync(path.join(root, 'main.py'), '');
    const child = cp.spawn(seek, ['lsp', '--no-daemon'], { stdio: ['pipe', 'pipe', 'inherit'], env: { ...process.env, SEEK_MODEL: '' } });
    const c = rpc.createMessageConnection(new rpc.StreamMessageReader(child.stdout), new rpc.StreamMessageWriter(child.stdin));
    const progress = [];
    let created = false;
    c.onRequest('window/workDoneProgress/create', () => { created = true; return null; });
    const ended = new Promise((resolve) => c.onNotification('$/progress', (p) => { progress.push(p.value.kind); if (p.value.kind === 'end') resolve(); }));
    c.listen();
    await c.sendRequest(lsp.InitializeRequest.type, { processId: process.pid, rootUri: 'file://' + root, capabilities: { window: { workDoneProgress: true } } });
    c.sendNotification(lsp.InitializedNotification.type, {});
    await ended;
    assert.ok(created, 'the server asked to create the progress token first');
    assert.equal(progress[0], 'begin');
    assert.equal(progress[progress.length - 1], 'end');
    let status = await c.sendRequest('seek/status', {});
    assert.equal(status.index.ready, true);
    assert.equal(status.index.files, 3);

    const text = 'from lib.geometry import compute_area\n\nprint(compute_area(';
    c.sendNotification(lsp.DidOpenTextDocumentNotification.type, { textDocument: { uri: uri('main.py'), languageId: 'python', version: 1, text } });
    await c.sendRequest(lsp.InlineCompletionRequest.type, { textDocument: { uri: uri('main.py') }, position: { line: 2, character: 19 }, context: { triggerKind: 1 } });
    status = await c.sendRequest('seek/status', {});
    assert.deepEqual(status.lastContext, ['lib/geometry.py:1'], JSON.stringify(status));

    // A function added and saved elsewhere is found by the next completion.
    fs.appendFileSync(path.join(root, 'lib', 'geometry.py'), '\n\ndef compute_volume(width, height, depth):\n    return width * height * depth\n');
    c.sendNotification(lsp.DidSaveTextDocumentNotification.type, { textDocument: { uri: uri('lib/geometry.py') } });
    c.sendNotification(lsp.DidChangeTextDocumentNotification.type, {
      textDocument: { uri: uri('main.py'), version: 2 },
      contentChanges: [{ range: { start: { line: 2, character: 19 }, end: { line: 2, character: 19 } }, text: '2, 3))\nprint(compute_volume(' }],
    });
    await c.sendRequest(lsp.InlineCompletionRequest.type, { textDocument: { uri: uri('main.py') }, position: { line: 3, character: 21 }, context: { triggerKind: 1 } });
    status = await c.sendRequest('seek/status', {});
    assert.deepEqual(status.lastContext, ['lib/geometry.py:5', 'lib/geometry.py:1'], JSON.stringify(status.lastContext));

    // Another open file and a recent edit in it join the context: the open file first (it
    // changes least), then the definitions, then the edited place.
    const namesText = fs.readFileSync(path.join(root, 'names.ts'), 'utf8');
    c.sendNotification(lsp.DidOpenTextDocumentNotification.type, { textDocument: { uri: uri('names.ts'), languageId: 'typescript', version: 1, text: namesText } });
    c.sendNotification(lsp.DidChangeTextDocumentNotification.type, {
      textDocument: { uri: uri('names.ts'), version: 2 },
      contentChanges: [{ range: { start: { line: 1, character: 2 }, end: { line: 1, character: 2 } }, text: '// 😀 reversed\n  ' }],
    });
    await c.sendRequest(lsp.InlineCompletionRequest.type, { textDocument: { uri: uri('main.py') }, position: { line: 3, character: 21 }, context: { triggerKind: 1 } });
    status = await c.sendRequest('seek/status', {});
    assert.deepEqual(status.lastContext, ['names.ts', 'lib/geometry.py:5', 'lib/geometry.py:1', 'names.ts:2 (edited)'],
      JSON.stringify(status.lastContext));
    await c.sendRequest(lsp.ShutdownRequest.type);
    c.sendNotification(lsp.ExitNotification.type);
    assert.equal(await new Promise((r) => child.on('exit', r)), 0);
    console.log('ok: index progress, definitions in the prompt, re-index on save, open files and recent edits');
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
})().catch((e) => { console.error(e); process.exit(1); });
