// Shared set-up of `seek run` and `seek chat` (see agent_setup.h).
#include "daemon/agent_setup.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <random>

#include "daemon/default_model.h"
#include "engine/remote/remote_backend.h"
#include "engine/runtime/local_chat.h"
#include "engine/runtime/local_engine.h"
#include "sandbox/policy.h"
#include "tools/command_tools.h"
#include "tools/file_tools.h"
#include "tools/git_tools.h"

namespace seek::daemon {

namespace fs = std::filesystem;
using Json = nlohmann::json;

std::string safe_dump(const Json& j) { return j.dump(-1, ' ', false, Json::error_handler_t::replace); }

Result<std::unique_ptr<AgentSetup>> make_agent_setup(const AgentFlags& f, const char* command) {
  auto setup = std::make_unique<AgentSetup>();
  const auto bad = [](const std::string& m) { return make_error(ErrorCode::kInvalidArgument, m); };
  if (f.approval == "never") {
    setup->config.approval = agent::ApprovalMode::kNever;
  } else if (f.approval == "on-request") {
    setup->config.approval = agent::ApprovalMode::kOnRequest;
  } else if (f.approval == "untrusted") {
    setup->config.approval = agent::ApprovalMode::kUntrusted;
  } else {
    return bad("--approval must be never, on-request or untrusted");
  }
  auto mode = sandbox::parse_sandbox_mode(f.sandbox);
  if (!mode.ok()) return bad(mode.error().message);
  std::error_code ec;
  setup->repo = fs::canonical(f.repo.empty() ? fs::current_path() : fs::path(f.repo), ec);
  if (ec || !fs::is_directory(setup->repo)) return bad(fmt::format("--repo {}: not a directory", f.repo));

  if (f.backend == "openai") {
    if (f.base_url.empty()) return bad("--backend openai needs --base-url (the API root, including /v1)");
    if (f.model.empty()) return bad("--backend openai needs --model NAME");
    SEEK_ASSIGN_OR_RETURN(setup->backend,
                          engine::RemoteBackend::create({.base_url = f.base_url, .api_key = engine::api_key_from_environment()}));
  } else if (f.backend == "local") {
    SEEK_ASSIGN_OR_RETURN(ModelChoice model, resolve_model(f.model));  // --model, $SEEK_MODEL, the default
    SEEK_ASSIGN_OR_RETURN(std::unique_ptr<engine::LocalEngine> engine, engine::LocalEngine::load(model.dir));
    if (model.embedded_default) {
      std::fprintf(stderr, "seek %s: using the embedded default model (random weights: its replies are noise)\n", command);
    }
    setup->backend = std::make_unique<engine::LocalChatBackend>(std::move(engine), 1024);
  } else {
    return bad("--backend must be local or openai");
  }

  SEEK_ASSIGN_OR_RETURN(tools::Workspace workspace, tools::Workspace::open(setup->repo));
  setup->workspace = std::make_shared<const tools::Workspace>(std::move(workspace));
  tools::CommandToolsConfig commands;
  commands.mode = *mode;
  SEEK_RETURN_IF_ERROR(tools::register_file_tools(setup->registry, setup->workspace));
  SEEK_RETURN_IF_ERROR(tools::register_git_tools(setup->registry, setup->workspace));
  SEEK_RETURN_IF_ERROR(tools::register_command_tools(setup->registry, setup->workspace, commands));
  SEEK_ASSIGN_OR_RETURN(tools::LoadedApprovals approvals,
                        tools::load_approval_policy(tools::default_user_config_path(), setup->repo.string()));
  for (const std::string& w : approvals.warnings) std::fprintf(stderr, "seek %s: %s\n", command, w.c_str());
  setup->policy = std::move(approvals.policy);

  setup->config.model = f.model;
  setup->config.limits.max_steps = static_cast<std::uint32_t>(std::max(1, f.max_steps));
  // Compact well before V4's 1M-token window: long transcripts cost time on every step.
  setup->config.context_budget_tokens = 400'000;
  setup->config.system_prompt = fmt::format(
      "You are seek, a coding agent working in the git repository at {}. Use the tools to read files, edit them "
      "(apply_patch or edit), run the build and the tests, and commit with the git tools. Paths are relative to the "
      "repository. When the task is done, reply with a short summary and no tool calls.",
      setup->repo.string());
  return setup;
}

fs::path sessions_dir() {
  fs::path dir;
  if (const char* xdg = std::getenv("XDG_DATA_HOME"); xdg && *xdg) {
    dir = xdg;
  } else {
    dir = fs::path(std::getenv("HOME") ? std::getenv("HOME") : "/tmp") / ".local" / "share";
  }
  return dir / "seek" / "sessions";
}

std::string SessionFile::new_id() {
  std::random_device rd;
  const auto now = std::chrono::system_clock::now().time_since_epoch();
  return fmt::format("{:x}-{:08x}", std::chrono::duration_cast<std::chrono::seconds>(now).count(), rd());
}

Result<SessionFile> SessionFile::create(const Json& header) {
  const fs::path dir = sessions_dir();
  std::error_code ec;
  fs::create_directories(dir, ec);
  const fs::path path = dir / (header.value("id", "") + ".jsonl");
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_APPEND | O_CLOEXEC, 0600);
  if (fd < 0) return make_error(ErrorCode::kIo, fmt::format("cannot create {}: {}", path.string(), std::strerror(errno)));
  SessionFile f(fd, path, 0);
  SEEK_RETURN_IF_ERROR(f.write_all(safe_dump(header) + "\n"));
  return f;
}

Result<std::pair<SessionFile, std::pair<Json, Json>>> SessionFile::open(const std::string& id) {
  if (id.empty() || id.find('/') != std::string::npos || id.starts_with(".")) {
    return make_error(ErrorCode::kInvalidArgument, fmt::format("'{}' is not a session id", id));
  }
  const fs::path path = sessions_dir() / (id + ".jsonl");
  std::ifstream in(path);
  if (!in) return make_error(ErrorCode::kNotFound, fmt::format("no session {} (looked in {})", id, sessions_dir().string()));
  std::string line;
  Json header, transcript = Json::array();
  bool first = true;
  while (std::getline(in, line)) {
    const Json j = Json::parse(line, nullptr, false);
    if (j.is_discarded()) break;  // a torn last line (a crash mid-write): the steps before it stand
    if (first) {
      header = j;
      first = false;
    } else if (j.contains("message")) {
      transcript.push_back(j["message"]);
    }
  }
  if (first) return make_error(ErrorCode::kInvalidArgument, fmt::format("{} is not a session file", path.string()));
  const int fd = ::open(path.c_str(), O_WRONLY | O_APPEND | O_CLOEXEC);
  if (fd < 0) return make_error(ErrorCode::kIo, fmt::format("cannot open {}: {}", path.string(), std::strerror(errno)));
  const std::size_t written = transcript.size();
  return std::make_pair(SessionFile(fd, path, written), std::make_pair(std::move(header), std::move(transcript)));
}

std::optional<std::string> SessionFile::last_for(const fs::path& repo) {
  std::error_code ec;
  std::optional<std::string> best;
  fs::file_time_type newest{};
  for (const auto& entry : fs::directory_iterator(sessions_dir(), ec)) {
    if (entry.path().extension() != ".jsonl") continue;
    std::ifstream in(entry.path());
    std::string line;
    if (!std::getline(in, line)) continue;
    const Json header = Json::parse(line, nullptr, false);
    if (header.is_discarded() || header.value("repo", "") != repo.string()) continue;
    const auto when = entry.last_write_time(ec);
    if (!best || when > newest) {
      best = entry.path().stem().string();
      newest = when;
    }
  }
  return best;
}

SessionFile::SessionFile(SessionFile&& o) noexcept : fd_(o.fd_), path_(std::move(o.path_)), written_(o.written_) { o.fd_ = -1; }
SessionFile::~SessionFile() {
  if (fd_ >= 0) ::close(fd_);
}

Status SessionFile::sync(const Json& transcript) {
  std::string lines;
  for (; written_ < transcript.size(); ++written_) lines += safe_dump(Json{{"message", transcript[written_]}}) + "\n";
  if (lines.empty()) return ok_status();
  SEEK_RETURN_IF_ERROR(write_all(lines));
  if (::fsync(fd_) != 0) return make_error(ErrorCode::kIo, "fsync " + path_.string());
  return ok_status();
}

Status SessionFile::write_all(const std::string& text) {
  std::size_t done = 0;
  while (done < text.size()) {
    const ssize_t n = ::write(fd_, text.data() + done, text.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return make_error(ErrorCode::kIo, "writing " + path_.string());
    done += static_cast<std::size_t>(n);
  }
  return ok_status();
}

}  // namespace seek::daemon
