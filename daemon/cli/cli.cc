// CLI11 wiring for every subcommand. This is the only translation unit that includes CLI11;
// each subcommand lives in a file of its own (cli/<name>_command.cc, see commands.h).
#include "daemon/cli/cli.h"

#include <CLI/CLI.hpp>

#include <cstdio>
#include <string>
#include <vector>

#include "daemon/backend_choice.h"
#include "daemon/cli/commands.h"
#include "daemon/client/daemon_launcher.h"
#include "daemon/paths.h"
#include "daemon/version.h"

namespace seek::daemon {
namespace {

// The deepest subcommand the user reached, for printing the right usage on an error.
const CLI::App* deepest_parsed(const CLI::App& app) {
  for (const CLI::App* sub : app.get_subcommands()) return deepest_parsed(*sub);
  return &app;
}

// CLI11 reports "A subcommand is required" for `seek bogus`; name the unknown word instead.
// Returns the app whose subcommand list the word missed, or nullptr when all words are known.
CLI::App* find_unknown_subcommand(CLI::App& app, int argc, char** argv, std::string& word) {
  CLI::App* current = &app;
  for (int i = 1; i < argc; ++i) {
    const std::string token = argv[i];
    if (token.empty() || token[0] == '-') return nullptr;  // options are CLI11's to judge
    auto subs = current->get_subcommands([](CLI::App*) { return true; });
    if (subs.empty()) return nullptr;  // a positional argument of a leaf command
    CLI::App* next = nullptr;
    for (CLI::App* sub : subs) {
      if (sub->check_name(token)) next = sub;
    }
    if (!next) {
      word = token;
      return current;
    }
    current = next;
  }
  return nullptr;
}

// The agent's model and policy flags, which `seek run` and `seek chat` share.
void add_agent_options(CLI::App* cmd, AgentFlags& flags) {
  cmd->add_option("--backend", flags.backend, "local or openai")->capture_default_str();
  cmd->add_option("--base-url", flags.base_url, "OpenAI-compatible API root, including /v1");
  cmd->add_option("--model", flags.model, "Model name (openai) or checkpoint directory (local)");
  cmd->add_option("--approval", flags.approval, "never, on-request or untrusted")->capture_default_str();
  cmd->add_option("--sandbox", flags.sandbox, "read-only, workspace-write or danger-full-access")->capture_default_str();
}

}  // namespace

int run_cli(int argc, char** argv) {
  CLI::App app{"seek: a local daemon for IDE coding agents, with an embedded DeepSeek V4 engine", "seek"};
  app.set_version_flag("--version", version_line());
  app.require_subcommand(1);
  app.fallthrough(false);

  int exit_code = 0;

  // seek daemon start|stop|status
  CLI::App* daemon = app.add_subcommand("daemon", "Manage the seek daemon (Unix socket, JSON-RPC)");
  daemon->require_subcommand(1);

  DaemonStartOptions start;
  start.server.paths = default_daemon_paths();
  int64_t frame_timeout_ms = start.server.frame_timeout.count();
  size_t max_message_bytes = start.server.frame_limits.max_body_bytes;
  CLI::App* start_cmd = daemon->add_subcommand("start", "Start the daemon (returns once it accepts connections)");
  start_cmd->add_flag("--foreground", start.foreground, "Run in this process instead of in the background");
  start_cmd->add_option("--log-level", start.log_level, "trace, debug, info, warn, error or off")
      ->check(CLI::IsMember({"trace", "debug", "info", "warn", "error", "off"}))
      ->capture_default_str();
  start_cmd->add_option("--max-message-bytes", max_message_bytes, "Largest JSON-RPC message accepted")
      ->check(CLI::Range(size_t{1024}, size_t{1} << 32))
      ->capture_default_str();
  start_cmd->add_option("--frame-timeout-ms", frame_timeout_ms, "Time a client has to finish a started message")
      ->check(CLI::Range(int64_t{1}, int64_t{3'600'000}))
      ->capture_default_str();
  start_cmd->add_option("--model", start.server.model.model,
                        "Checkpoint directory (else $SEEK_MODEL, else the embedded random-weight tiny model), or "
                        "the model name with --backend openai");
  start_cmd->add_option("--backend", start.server.model.backend, "local or openai (inline completion from a server)")
      ->check(CLI::IsMember({"local", "openai"}))
      ->capture_default_str();
  start_cmd->add_option("--base-url", start.server.model.base_url, "OpenAI-compatible API root, including /v1");
  start_cmd->callback([&] {
    BackendFlags& model = start.server.model;
    if (Status checked = check_backend_flags(model.backend, model.base_url, model.model); !checked.ok()) {
      std::fprintf(stderr, "seek daemon start: %s\n", checked.error().message.c_str());
      exit_code = 2;
      return;
    }
    start.server.frame_limits.max_body_bytes = max_message_bytes;
    start.server.frame_timeout = std::chrono::milliseconds(frame_timeout_ms);
    start.forwarded_args = {"--log-level", start.log_level, "--max-message-bytes", std::to_string(max_message_bytes),
                            "--frame-timeout-ms", std::to_string(frame_timeout_ms)};
    const std::vector<std::string> model_args = daemon_model_args(model);
    start.forwarded_args.insert(start.forwarded_args.end(), model_args.begin(), model_args.end());
    exit_code = run_daemon_start(start);
  });

  daemon->add_subcommand("stop", "Stop the running daemon gracefully")->callback([&] {
    exit_code = run_daemon_stop(default_daemon_paths());
  });
  daemon
      ->add_subcommand("status",
                       "Print {pid, uptime_s, version, clients, socket} as one JSON line; exit 3 if no daemon runs")
      ->callback([&] { exit_code = run_daemon_status(default_daemon_paths()); });

  // seek devices
  app.add_subcommand("devices", "Print the compute devices seek can use, as JSON")->callback([&] {
    exit_code = run_devices();
  });

  // seek model init --preset tiny|small --seed N --out DIR
  CLI::App* model = app.add_subcommand("model", "Model checkpoints");
  model->require_subcommand(1);
  ModelInitOptions model_init;
  CLI::App* init_cmd = model->add_subcommand(
      "init", "Write a random-weight checkpoint in the official DeepSeek V4 layout (config, shards, index, tokenizer)");
  init_cmd->add_option("--preset", model_init.preset, "tiny (tests) or small (benchmarks)")
      ->required()
      ->check(CLI::IsMember({"tiny", "small"}));
  init_cmd->add_option("--seed", model_init.seed, "Random seed")->required();
  init_cmd->add_option("--out", model_init.out, "Directory to create (must not hold a checkpoint)")->required();
  init_cmd->add_option("--shards", model_init.shards, "Number of safetensors shards")
      ->check(CLI::Range(1, 64))
      ->capture_default_str();
  init_cmd->callback([&] { exit_code = run_model_init(model_init); });

  // seek logits --model DIR --tokens 1,2,3 --out FILE [--mode ...] [--threads N] [--device ...] [--dump-dir DIR]
  LogitsOptions logits;
  CLI::App* logits_cmd = app.add_subcommand(
      "logits", "Run the model on token ids; write float32 logits [n_tokens, vocab] and print timings as JSON");
  logits_cmd->add_option("--model", logits.model, "Checkpoint directory (official layout)")->required();
  logits_cmd->add_option("--tokens", logits.tokens, "Comma-separated token ids")->required();
  logits_cmd->add_option("--out", logits.out, "Output file (float32 little-endian)")->required();
  logits_cmd->add_option("--mode", logits.mode, "prefill, decode or chunked:N")->capture_default_str();
  logits_cmd->add_option("--threads", logits.threads, "CPU threads (default: all)")->check(CLI::Range(1, 1024));
  logits_cmd->add_option("--device", logits.device, "cpu or cuda")->check(CLI::IsMember({"cpu", "cuda"}))->capture_default_str();
  logits_cmd->add_option("--mtp", logits.mtp_out,
                         "Also write MTP block 0's logits here: [n_tokens - 1, vocab], row i from the main streams at i "
                         "and token i+1, predicting token i+2");
  logits_cmd->add_option("--dump-dir", logits.dump_dir, "Also write per-layer dumps here: h_after_layer{L}.f32 [n, hc_mult, hidden], h_mid, {attn,ffn}_{in,out} (any mode)");
  logits_cmd->callback([&] { exit_code = run_logits(logits); });

  // seek exec --sandbox MODE --cwd DIR [--writable DIR]... [--network] [--timeout-ms N] -- CMD ARGS...
  ExecOptions exec;
  std::int64_t timeout_ms = 0;
  CLI::App* exec_cmd = app.add_subcommand(
      "exec", "Run one command under the sandbox (exit: its code, 128+signal, 124 timeout, 125 refused, 126/127)");
  exec_cmd->add_option("--sandbox", exec.sandbox, "read-only, workspace-write or danger-full-access")
      ->required()
      ->check(CLI::IsMember({"read-only", "workspace-write", "danger-full-access"}));
  exec_cmd->add_option("--cwd", exec.cwd, "Working directory (writable in workspace-write)")->required();
  exec_cmd->add_option("--writable", exec.writable, "Another writable directory (workspace-write only; repeatable)");
  exec_cmd->add_flag("--network", exec.network, "Allow network access (default: no sockets but Unix ones)");
  CLI::Option* timeout_opt = exec_cmd->add_option("--timeout-ms", timeout_ms, "Kill the command and its children after N ms")
                                 ->check(CLI::Range(std::int64_t{1}, std::int64_t{1} << 40));
  exec_cmd->add_option("command", exec.command, "The command and its arguments, after --")->required();
  exec_cmd->callback([&] {
    if (exec.sandbox == "read-only" && !exec.writable.empty()) {
      throw CLI::ValidationError("--writable", "--writable cannot be used with --sandbox read-only");
    }
    if (exec.sandbox == "danger-full-access" && !exec.writable.empty()) {
      throw CLI::ValidationError("--writable", "--writable has no meaning with --sandbox danger-full-access");
    }
    if (timeout_opt->count() > 0) exec.timeout_ms = timeout_ms;
    exit_code = run_exec(exec);
  });

  // seek tokenize|detokenize --tokenizer FILE [--jsonl]
  TokenizeOptions tokenize;
  CLI::App* tokenize_cmd = app.add_subcommand(
      "tokenize", "Read UTF-8 text on stdin, print its token ids as a JSON array (no BOS added)");
  CLI::App* detokenize_cmd = app.add_subcommand(
      "detokenize", "Read a JSON array of token ids on stdin, print the text they stand for");
  for (CLI::App* cmd : {tokenize_cmd, detokenize_cmd}) {
    cmd->add_option("--tokenizer", tokenize.tokenizer_path, "A Hugging Face tokenizer.json")->required();
    cmd->add_flag("--jsonl", tokenize.jsonl, "Batch mode: one JSON value per input line, one result per output line");
  }
  tokenize_cmd->callback([&] { exit_code = run_tokenize(tokenize); });
  detokenize_cmd->callback([&] { exit_code = run_detokenize(tokenize); });

  // seek encode-chat --thinking-mode chat|thinking [...]
  EncodeChatOptions encode_chat;
  std::string reasoning_effort;
  CLI::App* encode_cmd = app.add_subcommand(
      "encode-chat", "Read a JSON array of chat messages on stdin, print the DeepSeek V4 prompt");
  encode_cmd->add_option("--thinking-mode", encode_chat.thinking_mode, "chat or thinking")
      ->required()
      ->check(CLI::IsMember({"chat", "thinking"}));
  encode_cmd->add_option("--reasoning-effort", reasoning_effort, "high or max (thinking mode)")
      ->check(CLI::IsMember({"high", "max"}));
  encode_cmd->add_flag("--keep-thinking", encode_chat.keep_thinking,
                       "Keep the reasoning of turns before the last user message");
  encode_cmd->add_flag("--no-bos", encode_chat.no_bos, "Do not start with <｜begin▁of▁sentence｜>");
  encode_cmd->add_flag("--ids", encode_chat.ids, "Print token ids (JSON array) instead of the prompt text");
  encode_cmd->add_option("--tokenizer", encode_chat.tokenizer_path, "tokenizer.json, required with --ids");
  encode_cmd->callback([&] {
    if (!reasoning_effort.empty()) encode_chat.reasoning_effort = reasoning_effort;
    if (encode_chat.ids && encode_chat.tokenizer_path.empty()) {
      throw CLI::ValidationError("--ids", "--ids needs --tokenizer FILE");
    }
    exit_code = run_encode_chat(encode_chat);
  });

  // seek lsp [--no-daemon] [--model DIR]
  LspOptions lsp_options;
  CLI::App* lsp_cmd = app.add_subcommand("lsp", "Speak LSP on stdio (inline completion, agent commands)");
  lsp_cmd->add_flag("--no-daemon", lsp_options.no_daemon, "Serve in this process instead of bridging to the daemon");
  lsp_cmd->add_option("--model", lsp_options.model.model,
                      "Checkpoint directory for the local engine (else SEEK_MODEL), or the name with --backend openai");
  lsp_cmd->add_option("--backend", lsp_options.model.backend, "local or openai (fill-in-the-middle from a server)")
      ->check(CLI::IsMember({"local", "openai"}))
      ->capture_default_str();
  lsp_cmd->add_option("--base-url", lsp_options.model.base_url, "OpenAI-compatible API root, including /v1");
  lsp_cmd->callback([&] { exit_code = run_lsp(lsp_options); });

  // seek run "TASK" [--repo DIR] [--backend local|openai] [--base-url URL] [--model NAME|DIR] [--approval ...]
  //   [--sandbox MODE] [--json] [--max-steps N]
  RunOptions run_options;
  CLI::App* run_cmd = app.add_subcommand("run", "Run an agent task on a repository, headless");
  run_cmd->add_option("task", run_options.task, "What to do")->required();
  run_cmd->add_option("--repo", run_options.flags.repo, "The repository (default: the current directory)");
  add_agent_options(run_cmd, run_options.flags);
  run_cmd->add_flag("--json", run_options.json, "One JSON event per line on stdout");
  run_cmd->add_option("--max-steps", run_options.flags.max_steps, "Most model calls")->check(CLI::Range(1, 100000))->capture_default_str();
  run_cmd->add_option("--mode", run_options.mode, "chat, thinking or max (default: the backend's)")
      ->check(CLI::IsMember({"chat", "thinking", "max"}));
  run_cmd->callback([&] { exit_code = run_task(run_options); });

  // seek chat [--repo DIR] [--resume ID|--last] [model flags]
  ChatOptions chat_options;
  CLI::App* chat_cmd = app.add_subcommand("chat", "An interactive agent session in the terminal");
  chat_cmd->add_option("--repo", chat_options.flags.repo, "The repository (default: the current directory)");
  auto* resume_opt = chat_cmd->add_option("--resume", chat_options.resume, "Continue the session with this id");
  chat_cmd->add_flag("--last", chat_options.last, "Continue the newest session on this repository")->excludes(resume_opt);
  add_agent_options(chat_cmd, chat_options.flags);
  chat_cmd->add_option("--mode", chat_options.mode, "chat, thinking or max (default: the backend's)")
      ->check(CLI::IsMember({"chat", "thinking", "max"}));
  chat_cmd->callback([&] { exit_code = run_chat(chat_options); });

  // seek sessions [--repo DIR] [--json] | seek sessions show ID [--json]
  SessionsOptions sessions_options;
  CLI::App* sessions_cmd = app.add_subcommand("sessions", "List the agent sessions (newest first)");
  sessions_cmd->add_option("--repo", sessions_options.repo, "Only the sessions on this repository");
  sessions_cmd->add_flag("--json", sessions_options.json, "One JSON object per session");
  CLI::App* show_cmd = sessions_cmd->add_subcommand("show", "Print a session's transcript");
  show_cmd->add_option("id", sessions_options.show, "The session id")->required();
  show_cmd->add_flag("--json", sessions_options.json, "The header and transcript as one JSON object");
  sessions_cmd->callback([&] { exit_code = run_sessions(sessions_options); });

  // seek parse-reply --thinking-mode chat|thinking
  ParseReplyOptions parse_reply;
  CLI::App* parse_cmd = app.add_subcommand(
      "parse-reply", "Read a model completion on stdin, print {role, reasoning_content, content, tool_calls}");
  parse_cmd->add_option("--thinking-mode", parse_reply.thinking_mode, "chat or thinking")
      ->required()
      ->check(CLI::IsMember({"chat", "thinking"}));
  parse_cmd->callback([&] { exit_code = run_parse_reply(parse_reply); });

  std::string unknown;
  if (CLI::App* where = find_unknown_subcommand(app, argc, argv, unknown)) {
    std::fprintf(stderr, "seek: error: unknown subcommand '%s'\n\n%s", unknown.c_str(), where->help().c_str());
    return 2;
  }
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp&) {
    std::fputs(deepest_parsed(app)->help().c_str(), stdout);
    return 0;
  } catch (const CLI::CallForAllHelp&) {
    std::fputs(app.help("", CLI::AppFormatMode::All).c_str(), stdout);
    return 0;
  } catch (const CLI::CallForVersion& e) {
    std::printf("%s\n", e.what());
    return 0;
  } catch (const CLI::ParseError& e) {
    std::fprintf(stderr, "seek: error: %s\n\n%s", e.what(), deepest_parsed(app)->help().c_str());
    return 2;
  }
  return exit_code;
}

}  // namespace seek::daemon
