// `seek run` end to end through RemoteBackend: a scripted OpenAI-compatible streaming server
// (this file) and a real temporary git repository with a failing pytest. The scripted model
// reads the file, applies a patch, runs the tests (in the sandbox), stages and commits, and
// finishes; each request must carry the previous tool results. Checked: the --json events
// (session_started first, tool calls in order, approvals, done last with usage), exit code
// 0, the tests passing and the commit in git. Then usage errors exit 2, and a denied call
// (untrusted approval, nobody to ask) goes back to the model as the tool's result.
//   node tests/agent/run_e2e_test.cjs SEEK_BINARY
'use strict';
const assert = require('node:assert/strict');
const cp = require('node:child_process');
const fs = require('node:fs');
const http = require('node:http');
const os = require('node:os');
const path = require('node:path');

const seek = path.resolve(process.argv[2]);
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'seek-run-'));
const repo = path.join(work, 'repo');
const env = { ...process.env, XDG_DATA_HOME: path.join(work, 'data'), XDG_CONFIG_HOME: path.join(work, 'config'),
  DEEPSEEK_API_KEY: 'sk-test-key', OPENAI_API_KEY: '' };

function git(...args) { return cp.execFileSync('git', args, { cwd: repo, env: { ...process.env, GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@e', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@e' } }).toString(); }

function makeRepo() {
  fs.mkdirSync(repo, { recursive: true });
  fs.writeFileSync(path.join(repo, 'calc.py'), 'def add(a, b):\n    return a - b\n');
  fs.writeFileSync(path.join(repo, 'test_calc.py'), 'from calc import add\n\n\ndef test_add():\n    assert add(2, 3) == 5\n');
  git('init', '-q');
  git('add', '.');
  git('commit', '-q', '-m', 'initial');
}

// One scripted turn as an SSE stream: optional reasoning and content, optional tool calls
// (their arguments split in two chunks, as real servers do), usage at the end.
function sse(turn) {
  const chunks = [];
  const c = (delta, finish = null) => ({ id: 'x', object: 'chat.completion.chunk', choices: [{ index: 0, delta, finish_reason: finish }] });
  if (turn.reasoning) chunks.push(c({ role: 'assistant', reasoning_content: turn.reasoning }));
  if (turn.content) chunks.push(c({ content: turn.content }));
  (turn.calls || []).forEach((call, i) => {
    const args = JSON.stringify(call.args);
    const half = Math.floor(args.length / 2);
    chunks.push(c({ tool_calls: [{ index: i, id: `call_${i}_${call.name}`, type: 'function', function: { name: call.name, arguments: args.slice(0, half) } }] }));
    chunks.push(c({ tool_calls: [{ index: i, function: { arguments: args.slice(half) } }] }));
  });
  chunks.push(c({}, turn.calls ? 'tool_calls' : 'stop'));
  chunks.push({ id: 'x', choices: [], usage: { prompt_tokens: 100, completion_tokens: 10, total_tokens: 110, prompt_cache_hit_tokens: 60, prompt_cache_miss_tokens: 40 } });
  return chunks.map((x) => `data: ${JSON.stringify(x)}\n\n`).join('') + 'data: [DONE]\n\n';
}

function server(turns, checks) {
  const requests = [];
  const s = http.createServer((req, res) => {
    let body = '';
    req.on('data', (d) => { body += d; });
    req.on('end', () => {
      const parsed = JSON.parse(body);
      requests.push({ url: req.url, auth: req.headers.authorization, body: parsed });
      const i = requests.length - 1;
      try { if (checks[i]) checks[i](parsed); } catch (e) { console.error(`request ${i}:`, e.message); res.writeHead(500); res.end('check failed'); return; }
      res.writeHead(200, { 'Content-Type': 'text/event-stream' });
      res.end(sse(turns[Math.min(i, turns.length - 1)]));
    });
  });
  return new Promise((resolve) => s.listen(0, '127.0.0.1', () => resolve({ s, requests, url: `http://127.0.0.1:${s.address().port}/v1` })));
}

function lastToolOutput(body) {
  const tools = body.messages.filter((m) => m.role === 'tool');
  return tools.length ? tools[tools.length - 1].content : '';
}

function runSeek(args, extraEnv = {}) {
  return new Promise((resolve) => {
    const child = cp.spawn(seek, ['run', ...args], { env: { ...env, ...extraEnv }, cwd: repo });
    let out = '', err = '';
    child.stdout.on('data', (d) => { out += d; });
    child.stderr.on('data', (d) => { err += d; });
    child.on('exit', (code) => resolve({ code, out, err }));
  });
}

(async () => {
  try {
    makeRepo();
    const patch = '*** Begin Patch\n*** Update File: calc.py\n@@\n def add(a, b):\n-    return a - b\n+    return a + b\n*** End Patch\n';
    const turns = [
      { reasoning: 'Look at the code first.', calls: [{ name: 'read_file', args: { path: 'calc.py' } }] },
      { content: 'The sign is wrong.', calls: [{ name: 'apply_patch', args: { patch } }] },
      { calls: [{ name: 'test', args: {} }] },
      { calls: [{ name: 'git_add', args: { paths: ['calc.py'] } }] },
      { calls: [{ name: 'git_commit', args: { message: 'Fix add: use +' } }] },
      { content: 'Fixed add(); the test passes and the fix is committed.' },
    ];
    const checks = [
      (b) => { assert.equal(b.stream, true); assert.ok(b.tools.some((t) => t.function.name === 'apply_patch')); assert.equal(b.messages.at(-1).role, 'user'); },
      (b) => assert.match(lastToolOutput(b), /return a - b/),
      (b) => assert.match(lastToolOutput(b), /calc\.py|Updated|updated|M /),
      (b) => assert.match(lastToolOutput(b), /pass/i),
      (b) => assert.doesNotMatch(lastToolOutput(b), /^error/),
      (b) => assert.doesNotMatch(lastToolOutput(b), /^error/),
    ];
    const srv = await server(turns, checks);
    const r = await runSeek(['Fix the failing test', '--repo', repo, '--backend', 'openai', '--base-url', srv.url,
      '--model', 'scripted', '--json', '--approval', 'never']);
    srv.s.close();
    assert.equal(r.code, 0, `exit ${r.code}\nstdout:\n${r.out}\nstderr:\n${r.err}`);
    const events = r.out.trim().split('\n').map((l) => JSON.parse(l));
    assert.equal(events[0].type, 'session_started');
    assert.ok(events[0].session_id);
    const done = events.filter((e) => e.type === 'done');
    assert.equal(done.length, 1);
    assert.equal(events.at(-1).type, 'done');
    assert.equal(done[0].status, 'success');
    assert.deepEqual(done[0].usage.total_tokens, 660);  // six replies × 110
    assert.deepEqual(events.filter((e) => e.type === 'tool_call').map((e) => e.name), ['read_file', 'apply_patch', 'test', 'git_add', 'git_commit']);
    assert.ok(events.some((e) => e.type === 'reasoning_delta'));
    assert.ok(events.filter((e) => e.type === 'approval').every((e) => e.decision === 'approved'));
    const results = events.filter((e) => e.type === 'tool_result');
    assert.ok(results.every((e) => !e.is_error), JSON.stringify(results.filter((e) => e.is_error)));
    assert.equal(srv.requests.length, 6);
    assert.ok(srv.requests.every((q) => q.url === '/v1/chat/completions' && q.auth === 'Bearer sk-test-key'));
    assert.ok(!r.out.includes('sk-test-key'), 'the key never appears in events');
    // The repository: fixed, tests pass, committed.
    assert.match(fs.readFileSync(path.join(repo, 'calc.py'), 'utf8'), /return a \+ b/);
    assert.match(git('log', '--format=%s', '-1'), /Fix add: use \+/);
    assert.equal(git('status', '--porcelain').trim(), '');
    cp.execFileSync('pytest', ['-q', '-p', 'no:cacheprovider'], { cwd: repo, stdio: 'ignore' });
    // The session transcript was written.
    const sessions = fs.readdirSync(path.join(work, 'data', 'seek', 'sessions'));
    assert.equal(sessions.length, 1);
    const lines = fs.readFileSync(path.join(work, 'data', 'seek', 'sessions', sessions[0]), 'utf8').trim().split('\n');
    assert.ok(lines.length >= 13, `${lines.length} transcript lines`);
    console.log('ok: seek run fixed, tested and committed through the scripted server');

    // Usage errors: exit 2.
    for (const args of [['x', '--backend', 'openai', '--model', 'm'], ['x', '--backend', 'openai', '--base-url', 'ftp://h/v1', '--model', 'm'],
      ['x', '--approval', 'sometimes'], ['x', '--repo', path.join(work, 'nope')]]) {
      const u = await runSeek(args);
      assert.equal(u.code, 2, `${args.join(' ')}: exit ${u.code} ${u.err}`);
    }
    console.log('ok: usage errors exit 2');

    // untrusted + --json: a mutating call is denied (nobody to ask) and the model is told.
    const srv2 = await server([
      { calls: [{ name: 'write_file', args: { path: 'new.txt', content: 'hi\n' } }] },
      { content: 'I could not write the file.' },
    ], [null, (b) => assert.match(lastToolOutput(b), /denied/)]);
    const d = await runSeek(['Write a file', '--repo', repo, '--backend', 'openai', '--base-url', srv2.url, '--model', 'm', '--json', '--approval', 'untrusted']);
    srv2.s.close();
    assert.equal(d.code, 0, d.err);
    const ev = d.out.trim().split('\n').map((l) => JSON.parse(l));
    const approval = ev.find((e) => e.type === 'approval');
    assert.equal(approval.decision, 'denied');
    assert.ok(!fs.existsSync(path.join(repo, 'new.txt')));
    console.log('ok: untrusted approval without anyone to ask denies and tells the model');

    // The key's sources in order: DEEPSEEK_API_KEY, OPENAI_API_KEY, the user config's
    // [remote] api_key; with none, no Authorization header at all.
    const configDir = path.join(work, 'config', 'seek');
    fs.mkdirSync(configDir, { recursive: true });
    fs.writeFileSync(path.join(configDir, 'config.toml'), '[remote]\napi_key = "sk-from-config"\n', { mode: 0o600 });
    for (const [extra, expected] of [[{ DEEPSEEK_API_KEY: '', OPENAI_API_KEY: 'sk-openai' }, 'Bearer sk-openai'],
      [{ DEEPSEEK_API_KEY: '' }, 'Bearer sk-from-config'],
      [{ DEEPSEEK_API_KEY: '', XDG_CONFIG_HOME: path.join(work, 'no-config') }, undefined]]) {
      const srv3 = await server([{ content: 'done' }], [null]);
      const k = await runSeek(['Say done', '--repo', repo, '--backend', 'openai', '--base-url', srv3.url, '--model', 'm', '--json'], extra);
      srv3.s.close();
      assert.equal(k.code, 0, k.err);
      assert.equal(srv3.requests[0].auth, expected);
      assert.ok(!k.out.includes('sk-from-config') && !k.err.includes('sk-from-config'));
    }
    console.log('ok: the API key from the environment, then the config, else none');

    // A pre_tool hook from the user config blocks a call (exit 2); the model hears why.
    fs.writeFileSync(path.join(configDir, 'config.toml'),
      '[[hooks]]\nevent = "pre_tool"\ntools = ["write_file"]\ncommand = "echo not in this repo >&2; exit 2"\n', { mode: 0o600 });
    const srv4 = await server([
      { calls: [{ name: 'write_file', args: { path: 'hooked.txt', content: 'x\n' } }] },
      { content: 'Blocked, as the hook said.' },
    ], [null, (b) => assert.match(lastToolOutput(b), /denied by a hook: not in this repo/)]);
    const h = await runSeek(['Write', '--repo', repo, '--backend', 'openai', '--base-url', srv4.url, '--model', 'm', '--json', '--approval', 'never']);
    srv4.s.close();
    assert.equal(h.code, 0, h.err);
    const hev = h.out.trim().split('\n').map((l) => JSON.parse(l));
    assert.equal(hev.find((e) => e.type === 'approval').decided_by, 'hook');
    assert.ok(!fs.existsSync(path.join(repo, 'hooked.txt')));
    fs.writeFileSync(path.join(configDir, 'config.toml'), '[[hooks]]\nevent = "sometime"\ncommand = "true"\n', { mode: 0o600 });
    const broken = await runSeek(['x', '--repo', repo, '--backend', 'openai', '--base-url', srv4.url, '--model', 'm', '--json']);
    assert.equal(broken.code, 2, 'a broken hook table is a configuration error');
    fs.rmSync(path.join(configDir, 'config.toml'));
    console.log('ok: hooks from the user config block calls; a broken one exits 2');

    // The local backend on a tiny random checkpoint: the whole chat path runs (V4 encoding,
    // generation, reply parsing); the replies are noise, so only the event shape is checked.
    const tiny = path.join(work, 'tiny');
    cp.execFileSync(seek, ['model', 'init', '--preset', 'tiny', '--seed', '3', '--out', tiny], { stdio: 'ignore' });
    const l = await runSeek(['Say hello', '--repo', repo, '--backend', 'local', '--model', tiny, '--json', '--max-steps', '1']);
    assert.ok(l.code === 0 || l.code === 1, `exit ${l.code}: ${l.err}`);
    const lev = l.out.trim().split('\n').map((x) => JSON.parse(x));
    assert.equal(lev[0].type, 'session_started');
    assert.equal(lev.at(-1).type, 'done');
    assert.ok(lev.at(-1).usage.prompt_tokens > 500, 'the prompt carried the tools block');
    console.log(`ok: local backend on tiny (${lev.at(-1).status}, ${lev.at(-1).usage.prompt_tokens} prompt tokens)`);
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
})().catch((e) => { console.error(e); process.exit(1); });
