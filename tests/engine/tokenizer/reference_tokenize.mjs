#!/usr/bin/env node
// Reference tokenizer for seek's tokenizer tests: runs a HuggingFace tokenizer.json through
// one of three implementations (pinned in /work/main/package.json):
//   rust   @anush008/tokenizers      napi build of the HF Rust `tokenizers` crate 0.22.2 (the reference)
//   js     @huggingface/tokenizers   HF's own pure-JS port
//   lenml  @lenml/tokenizers         transformers.js fork
//
//   node reference_tokenize.mjs --impl rust|js|lenml --tokenizer PATH [--decode]
//     stdin: one JSON string per line; stdout: one JSON id array per line (with --decode: id
//     arrays in, JSON strings out). No special tokens are added (no BOS); added/special tokens
//     that occur in the text are recognised. Decoding keeps special tokens.
//   node reference_tokenize.mjs --impl IMPL --tokenizer PATH --bench FILE [--repeat N]
//     encodes the whole content of FILE N times (default 5) and prints one JSON object
//     {"impl","version","bytes","tokens","repeat","seconds","mb_per_s"} (MB = 10^6 bytes).
// The JS implementations also read tokenizer_config.json next to PATH when there is one.
// Nothing but the results goes to stdout; errors go to stderr with exit status 1 (2 for usage).

import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

function usage(msg) {
  process.stderr.write(`reference_tokenize: ${msg}\n` +
    'usage: reference_tokenize.mjs --impl rust|js|lenml --tokenizer PATH [--decode | --bench FILE [--repeat N]]\n');
  process.exit(2);
}

function fail(msg) {
  process.stderr.write(`reference_tokenize: ${msg}\n`);
  process.exit(1);
}

function parseArgs(argv) {
  const a = { impl: null, tokenizer: null, decode: false, bench: null, repeat: 5 };
  for (let i = 0; i < argv.length; i++) {
    const k = argv[i];
    const val = () => (i + 1 < argv.length ? argv[++i] : usage(`${k} needs a value`));
    if (k === '--impl') a.impl = val();
    else if (k === '--tokenizer') a.tokenizer = val();
    else if (k === '--decode') a.decode = true;
    else if (k === '--bench') a.bench = val();
    else if (k === '--repeat') a.repeat = Number(val());
    else usage(`unknown argument ${k}`);
  }
  if (!['rust', 'js', 'lenml'].includes(a.impl)) usage('--impl must be rust, js or lenml');
  if (!a.tokenizer) usage('--tokenizer is required');
  if (a.decode && a.bench) usage('--decode and --bench exclude each other');
  if (!Number.isInteger(a.repeat) || a.repeat < 1) usage('--repeat must be a positive integer');
  return a;
}

// Version of an installed package: walk up from its resolved entry point to its package.json.
function packageVersion(name) {
  try {
    let dir = path.dirname(require.resolve(name));
    for (;;) {
      const p = path.join(dir, 'package.json');
      if (fs.existsSync(p)) {
        const pj = JSON.parse(fs.readFileSync(p, 'utf8'));
        if (pj.name === name) return pj.version;
      }
      const up = path.dirname(dir);
      if (up === dir) return null;
      dir = up;
    }
  } catch {
    return null;
  }
}

function readJson(p) {
  try {
    return JSON.parse(fs.readFileSync(p, 'utf8'));
  } catch (e) {
    fail(`cannot read ${p}: ${e.message}`);
  }
}

// Each loader returns { name, version, encode(text) -> Promise<number[]>, decode(ids) -> Promise<string> }.
async function load(impl, tokenizerPath) {
  if (!fs.existsSync(tokenizerPath)) fail(`no such file: ${tokenizerPath}`);
  if (impl === 'rust') {
    const pkg = '@anush008/tokenizers';
    const { Tokenizer } = require(pkg);
    let tok;
    try {
      tok = Tokenizer.fromFile(tokenizerPath);
    } catch (e) {
      fail(`cannot load ${tokenizerPath}: ${e.message}`);
    }
    return {
      name: pkg, version: packageVersion(pkg),
      encode: async (s) => (await tok.encode(s, null, { addSpecialTokens: false })).getIds(),
      decode: (ids) => tok.decode(ids, false),
    };
  }
  const json = readJson(tokenizerPath);
  const cfgPath = path.join(path.dirname(tokenizerPath), 'tokenizer_config.json');
  const config = fs.existsSync(cfgPath) ? readJson(cfgPath) : {};
  if (impl === 'js') {
    const pkg = '@huggingface/tokenizers';
    const { Tokenizer } = await import(pkg);
    const tok = new Tokenizer(json, config);
    return {
      name: pkg, version: packageVersion(pkg),
      encode: async (s) => tok.encode(s, { add_special_tokens: false }).ids,
      decode: async (ids) => tok.decode(ids, { skip_special_tokens: false, clean_up_tokenization_spaces: false }),
    };
  }
  const pkg = '@lenml/tokenizers';
  const { TokenizerLoader } = await import(pkg);
  const tok = TokenizerLoader.fromPreTrained({ tokenizerJSON: json, tokenizerConfig: config });
  return {
    name: pkg, version: packageVersion(pkg),
    encode: async (s) => tok.encode(s, { add_special_tokens: false }),
    decode: async (ids) => tok.decode(ids, { skip_special_tokens: false, clean_up_tokenization_spaces: false }),
  };
}

async function readStdin() {
  const chunks = [];
  for await (const c of process.stdin) chunks.push(c);
  return Buffer.concat(chunks).toString('utf8');
}

async function main() {
  const args = parseArgs(process.argv.slice(2));
  const tok = await load(args.impl, args.tokenizer);

  if (args.bench) {
    let text;
    try {
      text = fs.readFileSync(args.bench, 'utf8');
    } catch (e) {
      fail(`cannot read ${args.bench}: ${e.message}`);
    }
    const bytes = Buffer.byteLength(text, 'utf8');
    let tokens = (await tok.encode(text)).length; // warm-up (also fills the BPE caches)
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < args.repeat; i++) tokens = (await tok.encode(text)).length;
    const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
    process.stdout.write(JSON.stringify({
      impl: args.impl, version: `${tok.name}@${tok.version}`, bytes, tokens, repeat: args.repeat,
      seconds: +seconds.toFixed(3), mb_per_s: +((bytes * args.repeat) / seconds / 1e6).toFixed(3),
    }) + '\n');
    return;
  }

  const lines = (await readStdin()).split('\n');
  if (lines.length && lines[lines.length - 1] === '') lines.pop();
  const out = [];
  for (let n = 0; n < lines.length; n++) {
    let v;
    try {
      v = JSON.parse(lines[n]);
    } catch (e) {
      fail(`stdin line ${n + 1}: not JSON: ${e.message}`);
    }
    if (args.decode) {
      if (!Array.isArray(v) || !v.every((x) => Number.isInteger(x) && x >= 0)) {
        fail(`stdin line ${n + 1}: want an array of token ids`);
      }
      // The JS implementations throw on an empty array.
      out.push(JSON.stringify(v.length ? await tok.decode(v) : ''));
    } else {
      if (typeof v !== 'string') fail(`stdin line ${n + 1}: want a JSON string`);
      out.push(JSON.stringify(Array.from(await tok.encode(v))));
    }
    if (out.length >= 256) {
      process.stdout.write(out.join('\n') + '\n');
      out.length = 0;
    }
  }
  if (out.length) process.stdout.write(out.join('\n') + '\n');
}

main().catch((e) => fail(e && e.stack ? e.stack : String(e)));
