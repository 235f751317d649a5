// `seek chat` in a real terminal (tmux): type a task, approve an edit at the prompt, see it
// as a coloured diff and the file change; cancel a slow turn with Ctrl-C (the session goes
// on); /diff and /undo; line editing and history (wide characters, a wrapped line, Ctrl-R
// search); quit with /quit; then --last resumes the same transcript, and the history too.
//   node tests/agent/chat_tmux_test.cjs SEEK_BINARY
'use strict';
const assert = require('node:assert/strict');
const cp = require('node:child_process');
const fs = require('node:fs');
const http = require('node:http');
const os = require('node:os');
const path = require('node:path');

const seek = path.resolve(process.argv[2]);
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'seek-chat-'));
const repo = path.join(work, 'repo');
const sock = `seek-chat-${process.pid}`;
const tmux = (...args) => cp.execFileSync('tmux', ['-L', sock, ...args]).toString();
const screen = () => tmux('capture-pane', '-p', '-J', '-S', '-200', '-t', 'chat');
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function waitFor(pattern, what, ms = 20000) {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (pattern.test(screen())) return;
    await sleep(100);
  }
  throw new Error(`timed out waiting for ${what}; screen:\n${screen()}`);
}

function chunk(delta, finish = null) {
  return `data: ${JSON.stringify({ choices: [{ index: 0, delta, finish_reason: finish }] })}\n\n`;
}

(async () => {
  fs.mkdirSync(repo, { recursive: true });
  fs.writeFileSync(path.join(repo, 'calc.py'), 'def add(a, b):\n    return a - b\n');
  cp.execFileSync('git', ['init', '-q'], { cwd: repo });
  const patch = '*** Begin Patch\n*** Update File: calc.py\n@@\n def add(a, b):\n-    return a - b\n+    return a + b\n*** End Patch\n';
  let requests = 0;
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (d) => { body += d; });
    req.on('end', () => {
      const n = requests++;
      res.writeHead(200, { 'Content-Type': 'text/event-stream' });
      if (n === 0) {
        res.end(chunk({ reasoning_content: 'The sign is wrong.' }) +
          chunk({ tool_calls: [{ index: 0, id: 'c1', type: 'function', function: { name: 'apply_patch', arguments: JSON.stringify({ patch }) } }] }, 'tool_calls') +
          'data: [DONE]\n\n');
      } else if (n === 1) {
        res.end(chunk({ content: 'Fixed the sign.' }, 'stop') + 'data: [DONE]\n\n');
      } else {  // the slow turn: one delta, then silence until the client goes away
        res.write(chunk({ content: 'Thinking slowly' }));
        req.socket.on('close', () => res.end());
      }
    });
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${server.address().port}/v1`;
  // The session lives in a daemon of this test's own (XDG_RUNTIME_DIR), started by chat.
  fs.mkdirSync(path.join(work, 'run'), { mode: 0o700 });
  const envVars = { XDG_DATA_HOME: `${work}/data`, XDG_CONFIG_HOME: `${work}/config`, XDG_RUNTIME_DIR: `${work}/run`, DEEPSEEK_API_KEY: '', OPENAI_API_KEY: '' };
  const env = Object.entries(envVars).map(([k, v]) => `${k}=${v}`).join(' ');
  const cmd = (extra) => `cd ${repo} && env ${env} ${seek} chat --backend openai --base-url ${url} --model m --approval untrusted ${extra}; echo EXIT:$?; sleep 60`;
  try {
    tmux('new-session', '-d', '-s', 'chat', '-x', '180', '-y', '50', cmd(''));
    await waitFor(/seek chat on/, 'the banner');
    tmux('send-keys', '-t', 'chat', 'fix the add function', 'Enter');
    await waitFor(/allow apply_patch/, 'the approval prompt');
    assert.match(screen(), /\+    return a \+ b/);  // the edit, shown as a diff before approving
    tmux('send-keys', '-t', 'chat', 'y', 'Enter');
    await waitFor(/Fixed the sign\./, 'the final reply');
    await waitFor(/\[completed\]/, 'the end of the turn');
    assert.match(fs.readFileSync(path.join(repo, 'calc.py'), 'utf8'), /return a \+ b/);

    tmux('send-keys', '-t', 'chat', '/fold', 'Enter');
    await waitFor(/reasoning folded/, 'folding the reasoning');
    tmux('send-keys', '-t', 'chat', '/reasoning', 'Enter');  // the last turn's, in full
    await waitFor(/The sign is wrong\.[^\n]*\n[^\n]*› $/m, 'the last reasoning shown again');
    tmux('send-keys', '-t', 'chat', 'now do something slow', 'Enter');
    await waitFor(/Thinking slowly/, 'the slow turn streaming');
    tmux('send-keys', '-t', 'chat', 'C-c');
    await waitFor(/\[cancelled\]/, 'the cancelled turn');

    tmux('send-keys', '-t', 'chat', '/undo', 'Enter');
    await waitFor(/restored/, 'undo');
    assert.match(fs.readFileSync(path.join(repo, 'calc.py'), 'utf8'), /return a - b/);

    // Line editing and history, as in a shell.
    tmux('send-keys', '-t', 'chat', '-l', 'hello wrld');
    tmux('send-keys', '-t', 'chat', 'Left', 'Left', 'Left', 'o');
    await waitFor(/› hello world\s*$/, 'editing in the middle of the line');
    tmux('send-keys', '-t', 'chat', 'C-u', 'Up');
    await waitFor(/› \/undo\s*$/, 'the last line from the history');
    tmux('send-keys', '-t', 'chat', 'Up');
    await waitFor(/› now do something slow\s*$/, 'an older line');
    tmux('send-keys', '-t', 'chat', 'Down', 'Down', 'C-u');

    // Wide characters: CJK and emoji take two cells each; moving and inserting in the middle
    // of them keeps the cursor on the right character and the line drawn right.
    tmux('send-keys', '-t', 'chat', '-l', '修正 the 関数 🎉 now');
    tmux('send-keys', '-t', 'chat', 'Left', 'Left', 'Left', 'Left');
    tmux('send-keys', '-t', 'chat', '-l', '!');
    tmux('send-keys', '-t', 'chat', 'C-a', 'Right', 'Right', 'Right');
    tmux('send-keys', '-t', 'chat', '-l', 'X');
    await waitFor(/› 修正 Xthe 関数 🎉! now\s*$/, 'editing between wide characters');
    // The cursor sits in the right cell: "› " is 2 cells, "修正 " 5, then "X".
    assert.equal(tmux('display-message', '-p', '-t', 'chat', '#{cursor_x}').trim(), '8', 'the cursor after the inserted X');
    tmux('send-keys', '-t', 'chat', 'C-e', 'C-u');
    await waitFor(/› \s*$/, 'the wide line cleared');

    // A line longer than the terminal (180 columns) wraps; editing its start redraws it whole.
    const long = Array.from({ length: 50 }, (_, i) => `w${String(i).padStart(3, '0')}-`).join('');
    tmux('send-keys', '-t', 'chat', '-l', long);
    tmux('send-keys', '-t', 'chat', 'C-a');
    tmux('send-keys', '-t', 'chat', '-l', '>>');
    await waitFor(new RegExp(`› >>${long}\\s*$`), 'the wrapped line, edited at its start');
    tmux('send-keys', '-t', 'chat', 'C-e', 'C-u');
    await waitFor(/› \s*$/, 'the long line cleared');

    // Ctrl-R searches the history backwards.
    tmux('send-keys', '-t', 'chat', 'C-r');
    tmux('send-keys', '-t', 'chat', '-l', 'fol');
    await waitFor(/› \/fold\s*\n/, 'the history search found /fold');
    tmux('send-keys', '-t', 'chat', 'C-e');
    await waitFor(/› \/fold\s*$/, 'the found line, ready to edit');
    tmux('send-keys', '-t', 'chat', 'C-u');
    tmux('send-keys', '-t', 'chat', '/quit', 'Enter');
    await waitFor(/EXIT:0/, 'a clean exit');
    const sessionId = /session ([0-9a-f]+-[0-9a-f]+)/.exec(screen())[1];
    tmux('kill-session', '-t', 'chat');

    // --last resumes that session with its transcript.
    const file = path.join(work, 'data', 'seek', 'sessions', `${sessionId}.jsonl`);
    const before = fs.readFileSync(file, 'utf8').trim().split('\n').length;
    tmux('new-session', '-d', '-s', 'chat', '-x', '180', '-y', '50', cmd('--last'));
    await waitFor(new RegExp(`resumed session ${sessionId} \\((\\d+) messages\\)`), 'the resumed session');
    const count = Number(new RegExp(`resumed session ${sessionId} \\((\\d+) messages\\)`).exec(screen())[1]);
    assert.equal(count, before - 1, 'every message of the transcript file is back');
    // The history outlives the session: Up brings back the first session's last line.
    tmux('send-keys', '-t', 'chat', 'Up');
    await waitFor(/› \/quit\s*$/, 'the history of the earlier session');
    tmux('send-keys', '-t', 'chat', 'C-u');
    tmux('send-keys', '-t', 'chat', '/quit', 'Enter');
    await waitFor(/EXIT:0/, 'the second exit');
    console.log(`ok: chat under tmux (approve, diff, cancel, undo, quit, resume ${count} messages)`);
  } finally {
    try { tmux('kill-server'); } catch (e) { /* already gone */ }
    try { cp.execFileSync(seek, ['daemon', 'stop'], { env: { ...process.env, ...envVars } }); } catch (e) { /* none ran */ }
    server.close();
    fs.rmSync(work, { recursive: true, force: true });
  }
})().catch((e) => { console.error(e.message || e); process.exit(1); });
