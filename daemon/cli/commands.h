// Every `seek` subcommand: its options (what cli.cc's CLI11 wiring fills in) and the function
// that runs it and returns the process exit code. One file per subcommand implements them
// (cli/<name>_command.cc); the contracts are in docs/ (engine.md, tokenizer-and-chat.md,
// sandbox.md, agent.md, lsp-extensions.md).
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "daemon/agent_setup.h"
#include "daemon/server/server.h"
#include "daemon/tui/chat_app.h"

namespace seek::daemon {

/// `seek daemon start|stop|status`: start 0 once the socket accepts connections (also when
/// one already runs); status 0 with one JSON line, 3 when no daemon runs; stop 0 once it
/// has exited.
struct DaemonStartOptions {
  bool foreground = false;
  ServerOptions server;
  std::string log_level = "info";
  /// Flags to repeat when re-executing `seek daemon start --foreground` in the background.
  std::vector<std::string> forwarded_args;
};
inline constexpr int kExitNotRunning = 3;
int run_daemon_start(const DaemonStartOptions& options);
int run_daemon_stop(const DaemonPaths& paths);
int run_daemon_status(const DaemonPaths& paths);

/// `seek devices`: {"cuda_built", "cublaslt_version", "cuda_devices", "cuda_error", "cpu_isa",
/// "default"} as JSON; 0.
int run_devices();

/// `seek model init --preset tiny|small --seed N --out DIR`: a random-weight checkpoint in
/// the official layout; 0, or 1 with a message.
struct ModelInitOptions {
  std::string preset;  // tiny | small
  std::uint64_t seed = 0;
  std::string out;
  int shards = 2;
};
int run_model_init(const ModelInitOptions& options);

/// `seek logits`: float32 logits for every position (docs/engine.md).
struct LogitsOptions {
  std::string model;
  std::string tokens;  // "1,2,3"
  std::string out;
  std::string mode = "prefill";
  int threads = 0;
  std::string device = "cpu";
  std::string dump_dir;
  std::string mtp_out;  // MTP block 0's logits [n_tokens - 1, vocab]; row i predicts token i + 2
};
int run_logits(const LogitsOptions& options);

/// `seek exec`: one command under the sandbox policy; its exit code, 128+N on signal N, 124
/// timeout, 125 refused, 126/127 cannot execute / not found (docs/sandbox.md).
struct ExecOptions {
  std::string sandbox;  // read-only | workspace-write | danger-full-access
  std::string cwd;
  std::vector<std::string> writable;
  bool network = false;
  std::optional<std::int64_t> timeout_ms;
  std::vector<std::string> command;
};
int run_exec(const ExecOptions& options);

/// The text subcommands need no daemon: each reads stdin, writes stdout, and returns 0, or 1
/// for bad input or a failure (message on stderr).
struct TokenizeOptions {
  std::string tokenizer_path;
  bool jsonl = false;
};
int run_tokenize(const TokenizeOptions& options);    ///< `seek tokenize`
int run_detokenize(const TokenizeOptions& options);  ///< `seek detokenize`

struct EncodeChatOptions {
  std::string thinking_mode;                    // "chat" | "thinking"
  std::optional<std::string> reasoning_effort;  // "high" | "max"
  bool keep_thinking = false;
  bool no_bos = false;
  bool ids = false;
  std::string tokenizer_path;  // required with ids
};
int run_encode_chat(const EncodeChatOptions& options);  ///< `seek encode-chat`

struct ParseReplyOptions {
  std::string thinking_mode;
};
int run_parse_reply(const ParseReplyOptions& options);  ///< `seek parse-reply`

/// `seek lsp`: LSP over stdio. By default a bridge to the daemon's LSP socket (the daemon is
/// started with the model flags if none runs; its sessions share one engine). With
/// --no-daemon the server runs in this process: the local engine on --model DIR (or
/// SEEK_MODEL), else the model-free line history.
struct LspOptions {
  bool no_daemon = false;
  BackendFlags model;
};
int run_lsp(const LspOptions& options);

/// `seek run "TASK"`: a headless agent task; 0 on success, 1 on task failure (a limit or a
/// cancel included), 2 on usage or configuration errors (docs/agent.md).
struct RunOptions {
  std::string task;
  AgentFlags flags;
  bool json = false;
  std::string mode;  ///< chat | thinking | max (the reasoning mode); empty: the backend's default
};
int run_task(const RunOptions& options);

/// `seek chat`: the interactive terminal session (tui/chat_app.h has its options).
int run_chat(const ChatOptions& options);

/// `seek sessions [--repo DIR] [--json]` lists the agent sessions (newest first) from the
/// session files, with or without a daemon; `seek sessions show ID [--json]` prints one
/// transcript. 0, or 2 for a bad id or repository.
struct SessionsOptions {
  std::string repo;  ///< empty: every repository
  std::string show;  ///< a session id: print its transcript
  bool json = false;
};
int run_sessions(const SessionsOptions& options);

}  // namespace seek::daemon
