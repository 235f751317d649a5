// `seek run` (see run_command.h): wires the agent loop to a chat backend, the tools (in the
// sandbox) and the approval rules, writes the session transcript, and prints events.
#include "daemon/run_command.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <random>

#include "agent/agent_loop.h"
#include "daemon/default_model.h"
#include "engine/remote/remote_backend.h"
#include "engine/runtime/local_chat.h"
#include "engine/runtime/local_engine.h"
#include "sandbox/policy.h"
#include "tools/approval.h"
#include "tools/command_tools.h"
#include "tools/file_tools.h"
#include "tools/git_tools.h"
#include "tools/workspace.h"

namespace seek::daemon {
namespace {

using Json = nlohmann::json;
namespace fs = std::filesystem;

std::atomic<bool> g_cancel{false};

// Tool output and model text may hold invalid UTF-8 (a binary file, a confused model): it
// is written with U+FFFD instead of aborting the run.
std::string safe_dump(const Json& j) { return j.dump(-1, ' ', false, Json::error_handler_t::replace); }
extern "C" void on_interrupt(int) { g_cancel = true; }

int usage_error(const std::string& message) {
  std::fprintf(stderr, "seek run: %s\n", message.c_str());
  return 2;
}

// The session's transcript file: a header line, then each message as it is added, synced
// after every step, so a crash loses at most the step in flight.
class SessionFile {
 public:
  static Result<SessionFile> create(const Json& header) {
    fs::path dir;
    if (const char* xdg = std::getenv("XDG_DATA_HOME"); xdg && *xdg) {
      dir = xdg;
    } else {
      dir = fs::path(std::getenv("HOME") ? std::getenv("HOME") : "/tmp") / ".local" / "share";
    }
    dir /= "seek/sessions";
    std::error_code ec;
    fs::create_directories(dir, ec);
    const fs::path path = dir / (header["id"].get<std::string>() + ".jsonl");
    const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_APPEND | O_CLOEXEC, 0600);
    if (fd < 0) return make_error(ErrorCode::kIo, fmt::format("cannot create {}: {}", path.string(), std::strerror(errno)));
    SessionFile f(fd, path);
    SEEK_RETURN_IF_ERROR(f.append_line(safe_dump(header)));
    return f;
  }
  SessionFile(SessionFile&& o) noexcept : fd_(o.fd_), path_(std::move(o.path_)), written_(o.written_) { o.fd_ = -1; }
  ~SessionFile() {
    if (fd_ >= 0) ::close(fd_);
  }
  Status sync(const Json& transcript) {
    std::string lines;
    for (; written_ < transcript.size(); ++written_) lines += safe_dump(Json{{"message", transcript[written_]}}) + "\n";
    if (lines.empty()) return ok_status();
    SEEK_RETURN_IF_ERROR(write_all(lines));
    if (::fsync(fd_) != 0) return make_error(ErrorCode::kIo, "fsync " + path_.string());
    return ok_status();
  }
  const fs::path& path() const { return path_; }

 private:
  SessionFile(int fd, fs::path path) : fd_(fd), path_(std::move(path)) {}
  Status append_line(const std::string& line) { return write_all(line + "\n"); }
  Status write_all(const std::string& text) {
    std::size_t done = 0;
    while (done < text.size()) {
      const ssize_t n = ::write(fd_, text.data() + done, text.size() - done);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) return make_error(ErrorCode::kIo, "writing " + path_.string());
      done += static_cast<std::size_t>(n);
    }
    return ok_status();
  }
  int fd_ = -1;
  fs::path path_;
  std::size_t written_ = 0;
};

std::string new_session_id() {
  std::random_device rd;
  const auto now = std::chrono::system_clock::now().time_since_epoch();
  return fmt::format("{:x}-{:08x}", std::chrono::duration_cast<std::chrono::seconds>(now).count(), rd());
}

}  // namespace

int run_task(const RunOptions& o) {
  if (o.task.empty()) return usage_error("the task is empty");
  agent::ApprovalMode approval;
  if (o.approval == "never") {
    approval = agent::ApprovalMode::kNever;
  } else if (o.approval == "on-request") {
    approval = agent::ApprovalMode::kOnRequest;
  } else if (o.approval == "untrusted") {
    approval = agent::ApprovalMode::kUntrusted;
  } else {
    return usage_error("--approval must be never, on-request or untrusted");
  }
  auto mode = sandbox::parse_sandbox_mode(o.sandbox);
  if (!mode.ok()) return usage_error(mode.error().message);
  std::error_code ec;
  const fs::path repo = fs::canonical(o.repo.empty() ? fs::current_path() : fs::path(o.repo), ec);
  if (ec || !fs::is_directory(repo)) return usage_error(fmt::format("--repo {}: not a directory", o.repo));

  std::unique_ptr<engine::ChatBackend> backend;
  if (o.backend == "openai") {
    if (o.base_url.empty()) return usage_error("--backend openai needs --base-url (the API root, including /v1)");
    if (o.model.empty()) return usage_error("--backend openai needs --model NAME");
    auto remote = engine::RemoteBackend::create({.base_url = o.base_url, .api_key = engine::api_key_from_environment()});
    if (!remote.ok()) return usage_error(remote.error().message);
    backend = std::move(*remote);
  } else if (o.backend == "local") {
    // --model DIR, else $SEEK_MODEL, else the embedded default (random weights).
    auto model = resolve_model(o.model);
    if (!model.ok()) return usage_error(model.error().message);
    auto engine = engine::LocalEngine::load(model->dir);
    if (!engine.ok()) return usage_error(engine.error().message);
    if (model->embedded_default) {
      std::fprintf(stderr, "seek run: using the embedded default model (random weights: its replies are noise)\n");
    }
    backend = std::make_unique<engine::LocalChatBackend>(std::move(*engine), 1024);
  } else {
    return usage_error("--backend must be local or openai");
  }

  auto workspace = tools::Workspace::open(repo);
  if (!workspace.ok()) return usage_error(workspace.error().message);
  auto shared = std::make_shared<const tools::Workspace>(std::move(*workspace));
  tools::ToolRegistry registry;
  tools::CommandToolsConfig commands;
  commands.mode = *mode;
  for (const Status& s : {tools::register_file_tools(registry, shared), tools::register_git_tools(registry, shared),
                          tools::register_command_tools(registry, shared, commands)}) {
    if (!s.ok()) return usage_error(s.error().message);
  }
  auto approvals = tools::load_approval_policy(tools::default_user_config_path(), repo.string());
  if (!approvals.ok()) return usage_error(approvals.error().message);
  for (const std::string& w : approvals->warnings) std::fprintf(stderr, "seek run: %s\n", w.c_str());

  agent::AgentConfig config;
  config.model = o.model;
  config.limits.max_steps = static_cast<std::uint32_t>(std::max(1, o.max_steps));
  config.approval = approval;
  config.system_prompt = fmt::format(
      "You are seek, a coding agent working in the git repository at {}. Use the tools to read files, edit them "
      "(apply_patch or edit), run the build and the tests, and commit with the git tools. Paths are relative to the "
      "repository. When the task is done, reply with a short summary and no tool calls.",
      repo.string());
  // Nobody can be asked without a terminal, or with --json: such calls are denied.
  if (!o.json && ::isatty(STDIN_FILENO)) {
    config.ask = [](const std::string& tool, const Json& args) {
      std::fprintf(stderr, "\nseek: allow %s %s? [y/N] ", tool.c_str(), safe_dump(args).c_str());
      char line[16] = {};
      return std::fgets(line, sizeof line, stdin) && (line[0] == 'y' || line[0] == 'Y');
    };
  }

  const std::string id = new_session_id();
  auto session = SessionFile::create({{"id", id}, {"name", o.task.substr(0, 80)}, {"repo", repo.string()},
                                      {"model", o.model}, {"backend", o.backend}, {"version", 1}});
  if (!session.ok()) return usage_error(session.error().message);

  const auto emit = [&](const Json& event) {
    if (o.json) {
      std::fputs((safe_dump(event) + "\n").c_str(), stdout);
      std::fflush(stdout);
      return;
    }
    const std::string type = event.value("type", "");
    if (type == "assistant_delta") std::fputs(event.value("text", "").c_str(), stdout);
    if (type == "reasoning_delta") std::fprintf(stdout, "\x1b[2m%s\x1b[0m", event.value("text", "").c_str());
    if (type == "tool_call") std::fprintf(stdout, "\n→ %s %s\n", event.value("name", "").c_str(), safe_dump(event["arguments"]).c_str());
    if (type == "tool_result") {
      std::string out = event.value("output", "");
      if (out.size() > 800) out = out.substr(0, 800) + "…";
      std::fprintf(stdout, "%s%s\n", event.value("is_error", false) ? "✗ " : "✓ ", out.c_str());
    }
    if (type == "approval" && event.value("decision", "") == "denied") std::fprintf(stdout, "denied: %s\n", event.value("name", "").c_str());
    if (type == "error") std::fprintf(stderr, "seek run: %s\n", event.value("message", "").c_str());
    std::fflush(stdout);
  };
  emit({{"type", "session_started"}, {"session_id", id}, {"repo", repo.string()}, {"model", o.model}});

  std::signal(SIGINT, on_interrupt);
  agent::AgentLoop loop(*backend, registry, approvals->policy, std::move(config));
  Json transcript = Json::array();
  std::string session_error;
  const agent::RunOutcome outcome = loop.run(o.task, transcript, emit, g_cancel, [&](const Json& t) {
    if (Status s = session->sync(t); !s.ok() && session_error.empty()) session_error = s.error().message;
  });
  (void)session->sync(transcript);
  if (!session_error.empty()) std::fprintf(stderr, "seek run: the session file: %s\n", session_error.c_str());
  emit({{"type", "done"},
        {"status", agent::done_status(outcome.status)},
        {"reason", agent::to_string(outcome.status)},
        {"usage",
         {{"prompt_tokens", outcome.usage.prompt_tokens},
          {"completion_tokens", outcome.usage.completion_tokens},
          {"total_tokens", outcome.usage.total_tokens},
          {"prompt_cache_hit_tokens", outcome.usage.cache_hit_tokens},
          {"prompt_cache_miss_tokens", outcome.usage.cache_miss_tokens}}}});
  if (!o.json) std::fprintf(stdout, "\n[%s] session %s\n", std::string(agent::to_string(outcome.status)).c_str(), id.c_str());
  return outcome.status == agent::RunStatus::kCompleted ? 0 : 1;
}

}  // namespace seek::daemon
