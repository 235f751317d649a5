// Sessions hosted by the daemon: two LSP clients (an "editor" and a "terminal", each through
// `seek lsp`) watch one session and see the same events; the daemon is killed (SIGKILL) in
// the middle of a turn, restarted, and the session opens with the identical transcript,
// continues, and ends; `seek sessions` lists it and `sessions show` prints it.
//   node tests/agent/session_daemon_test.cjs SEEK_BINARY
'use strict';
const assert = require('node:assert/strict');
const cp = require('node:child_process');
const fs = require('node:fs');
const http = require('node:http');
const os = require('node:os');
const path = require('node:path');
const rpc = require('vscode-jsonrpc/node');

const seek = path.resolve(process.argv[2]);
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'seek-sessions-'));
const repo = path.join(work, 'repo');
const env = {
  ...process.env, XDG_RUNTIME_DIR: path.join(work, 'run'), XDG_DATA_HOME: path.join(work, 'data'),
  XDG_CONFIG_HOME: path.join(work, 'config'), SEEK_MODEL: '', DEEPSEEK_API_KEY: '', OPENAI_API_KEY: '',
};
fs.mkdirSync(env.XDG_RUNTIME_DIR, { mode: 0o700 });
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function until(cond, what, ms = 20000) {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (cond()) return;
    await sleep(25);
  }
  throw new Error(`timed out waiting for ${what}`);
}

// An LSP client through `seek lsp` (the daemon's bridge), recording session events.
async function client(name) {
  const child = cp.spawn(seek, ['lsp'], { stdio: ['pipe', 'pipe', 'inherit'], env });
  const c = rpc.createMessageConnection(new rpc.StreamMessageReader(child.stdout), new rpc.StreamMessageWriter(child.stdin));
  const events = [];
  c.onNotification('seek/session/event', (p) => events.push(p));
  c.onError(() => {});
  c.onClose(() => {});
  c.listen();
  const init = await c.sendRequest('initialize', { processId: process.pid, rootUri: null, capabilities: {} });
  assert.equal(init.capabilities.experimental.seekSessions, true, `${name}: the daemon hosts sessions`);
  c.sendNotification('initialized', {});
  return { c, child, events, exited: new Promise((r) => child.on('exit', r)) };
}

function chunk(delta, finish = null) {
  return `data: ${JSON.stringify({ choices: [{ index: 0, delta, finish_reason: finish }] })}\n\n`;
}
const toolCall = (id, name, args) => chunk({ tool_calls: [{ index: 0, id, type: 'function', function: { name, arguments: JSON.stringify(args) } }] }, 'tool_calls') + 'data: [DONE]\n\n';

(async () => {
  fs.mkdirSync(repo, { recursive: true });
  fs.writeFileSync(path.join(repo, 'calc.py'), 'def add(a, b):\n    return a - b\n');
  cp.execFileSync('git', ['init', '-q'], { cwd: repo });
  const patch = '*** Begin Patch\n*** Update File: calc.py\n@@\n def add(a, b):\n-    return a - b\n+    return a + b\n*** End Patch\n';
  const seen = [];  // the request bodies the scripted model got
  let hanging = null;
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (d) => { body += d; });
    req.on('end', () => {
      const request = JSON.parse(body);
      seen.push(request);
      const last = request.messages[request.messages.length - 1];
      res.writeHead(200, { 'Content-Type': 'text/event-stream' });
      if (last.role === 'user' && last.content === 'fix calc.py') {
        res.end(toolCall('c1', 'read_file', { path: 'calc.py' }));
      } else if (last.role === 'tool' && last.tool_call_id === 'c1') {
        res.end(toolCall('c2', 'apply_patch', { patch }));
      } else if (last.role === 'tool' && last.tool_call_id === 'c2') {
        res.write(chunk({ content: 'Checking' }));  // then nothing: the daemon dies here
        hanging = res;
        req.socket.on('close', () => res.end());
      } else {
        res.end(chunk({ content: 'Done: add() adds now.' }, 'stop') + 'data: [DONE]\n\n');
      }
    });
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  const baseUrl = `http://127.0.0.1:${server.address().port}/v1`;
  try {
    const terminal = await client('terminal');  // starts the daemon
    const editor = await client('editor');
    const header = await terminal.c.sendRequest('seek/session/create', {
      repo, backend: 'openai', base_url: baseUrl, model: 'scripted', approval: 'never', name: 'fix calc',
      watch: true, canApprove: true, apiKey: 'sk-never-stored' });
    const id = header.id;
    assert.match(id, /^[0-9a-f]+-[0-9a-f]+$/);
    assert.equal(header.repo, fs.realpathSync(repo));
    assert.equal(header.api_key, undefined);
    const opened = await editor.c.sendRequest('seek/session/open', { id, watch: true });
    assert.deepEqual(opened.transcript, []);
    await terminal.c.sendRequest('seek/session/send', { id, text: 'fix calc.py' });
    // A second turn while one runs is refused with a clear error.
    await assert.rejects(editor.c.sendRequest('seek/session/send', { id, text: 'again' }), /running a turn/);
    await until(() => hanging !== null, 'the third model call');
    await until(() => terminal.events.some((e) => e.event.type === 'transcript_synced' && e.event.messages === 6), 'the second step synced');
    await until(() => editor.events.length === terminal.events.length && editor.events.length > 0, 'the editor to catch up');
    assert.deepEqual(editor.events, terminal.events, 'both watchers see the same events');
    assert.match(fs.readFileSync(path.join(repo, 'calc.py'), 'utf8'), /a \+ b/);
    const before = (await editor.c.sendRequest('seek/session/open', { id, watch: false })).transcript;
    assert.equal(before.length, 6);
    assert.deepEqual(before.map((m) => m.role), ['system', 'user', 'assistant', 'tool', 'assistant', 'tool']);
    const file = path.join(env.XDG_DATA_HOME, 'seek', 'sessions', `${id}.jsonl`);
    assert.ok(!fs.readFileSync(file, 'utf8').includes('sk-never-stored'), 'the key never reaches the session file');

    // Kill the daemon mid-turn (SIGKILL: nothing gets to clean up), then start it again.
    const pid = JSON.parse(cp.execFileSync(seek, ['daemon', 'status'], { env }).toString()).pid;
    process.kill(pid, 'SIGKILL');
    await Promise.all([terminal.exited, editor.exited]);
    hanging.end();
    cp.execFileSync(seek, ['daemon', 'start'], { env, stdio: 'ignore' });
    const again = await client('terminal, after the restart');
    const resumed = await again.c.sendRequest('seek/session/open', { id, watch: true, canApprove: true });
    const watcherOnly = await client('an editor that cannot approve');
    await watcherOnly.c.sendRequest('seek/session/open', { id, watch: true });
    await assert.rejects(watcherOnly.c.sendRequest('seek/session/approve', { id, requestId: 'approval-1', decision: 'yes' }), /canApprove/);
    watcherOnly.c.sendNotification('exit');
    await watcherOnly.exited;
    assert.deepEqual(resumed.transcript, before, 'the identical transcript after a restart');
    assert.equal(resumed.running, false);
    assert.equal(resumed.header.name, 'fix calc');

    const requestsBefore = seen.length;
    await again.c.sendRequest('seek/session/send', { id, text: 'continue' });
    await until(() => again.events.some((e) => e.event.type === 'turn_done'), 'the resumed turn to end');
    const done = again.events.find((e) => e.event.type === 'turn_done').event;
    assert.equal(done.status, 'success');
    // The model saw exactly the old transcript, then the new message.
    const sent = seen[requestsBefore].messages;
    assert.deepEqual(sent.slice(0, 6).map((m) => m.role), before.map((m) => m.role));
    assert.equal(sent[6].content, 'continue');
    const after = (await again.c.sendRequest('seek/session/open', { id, watch: false })).transcript;
    assert.deepEqual(after.slice(0, 6), before);
    assert.deepEqual(after.slice(6).map((m) => [m.role, m.content]), [['user', 'continue'], ['assistant', 'Done: add() adds now.']]);

    // Undo puts back what apply_patch changed... only for edits this daemon made: none since
    // the restart, so it says so.
    await assert.rejects(again.c.sendRequest('seek/session/undo', { id }), /no edit to undo/);
    const listed = await again.c.sendRequest('seek/session/list', { repo: fs.realpathSync(repo) });
    assert.equal(listed.sessions.length, 1);
    assert.equal(listed.sessions[0].messages, 8);
    const cli = cp.execFileSync(seek, ['sessions', '--json', '--repo', repo], { env }).toString().trim().split('\n').map(JSON.parse);
    assert.equal(cli[0].id, id);
    const shown = JSON.parse(cp.execFileSync(seek, ['sessions', 'show', id, '--json'], { env }).toString());
    assert.deepEqual(shown.transcript, after);
    assert.throws(() => cp.execFileSync(seek, ['sessions', 'show', '../x'], { env, stdio: 'pipe' }), (e) => e.status === 2);
    // Bad params are JSON-RPC errors, and the daemon stays up.
    await assert.rejects(again.c.sendRequest('seek/session/open', { id: 'no-such-session' }), /no session/);
    await assert.rejects(again.c.sendRequest('seek/session/send', { id }), /text/);
    await assert.rejects(again.c.sendRequest('seek/session/create', { backend: 'openai' }), /repo/);
    await assert.rejects(again.c.sendRequest('seek/session/open', { id, watch: 'yes' }), (e) => e.code === -32602);
    await assert.rejects(again.c.sendRequest('seek/session/create', { repo, backend: 'openai', watcher: 3 }), (e) => e.code === -32602);
    // Code actions hand the code at hand to the agent as seek.agent.start commands.
    const uri = 'file://' + path.join(fs.realpathSync(repo), 'calc.py');
    again.c.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'python', version: 1, text: 'def add(a, b):\n    return a - b\n' } });
    const actions = await again.c.sendRequest('textDocument/codeAction', { textDocument: { uri }, range: { start: { line: 1, character: 0 }, end: { line: 1, character: 4 } },
      context: { diagnostics: [{ range: { start: { line: 1, character: 4 }, end: { line: 1, character: 16 } }, message: 'test_add fails: 2 + 3 gave -1' }] } });
    assert.equal(actions.length, 2);
    assert.equal(actions[0].kind, 'quickfix');
    assert.equal(actions[0].command.command, 'seek.agent.start');
    assert.match(actions[0].command.arguments[0].task, /calc\.py:2[\s\S]*2 \+ 3 gave -1[\s\S]*return a - b/);

    // Clients without custom requests start the agent through workspace/executeCommand.
    const started = await again.c.sendRequest('workspace/executeCommand', { command: 'seek.agent.start',
      arguments: [{ task: 'say done', repo, backend: 'openai', base_url: baseUrl, model: 'scripted', approval: 'never' }] });
    assert.match(started.session_id, /^[0-9a-f]+-[0-9a-f]+$/);
    await until(() => again.events.some((e) => e.session_id === started.session_id && e.event.type === 'turn_done'), 'the command turn');
    await assert.rejects(again.c.sendRequest('workspace/executeCommand', { command: 'seek.agent.start', arguments: [{ task: 'x' }] }),
      /no repo given/);
    await again.c.sendRequest('shutdown');
    again.c.sendNotification('exit');
    assert.equal(await again.exited, 0);
    console.log(`ok: one session, two watchers, SIGKILL mid-turn, resumed with ${before.length} identical messages`);
  } finally {
    try { cp.execFileSync(seek, ['daemon', 'stop'], { env, stdio: 'ignore' }); } catch (e) { /* none ran */ }
    server.close();
    server.closeAllConnections?.();
    fs.rmSync(work, { recursive: true, force: true });
  }
})().catch((e) => { console.error(e.stack || e); process.exit(1); });
