// What `seek run` and `seek chat` share: the chat backend from the model flags, the tools
// on the repository (commands in the sandbox), the approval rules, the agent config, and
// the session files under $XDG_DATA_HOME/seek/sessions/ (a header line, then one message
// per line, fsynced after every step).
#pragma once

#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <utility>

#include <nlohmann/json.hpp>

#include "agent/agent_loop.h"
#include "engine/remote/chat_backend.h"
#include "tools/approval.h"
#include "tools/tool.h"
#include "tools/workspace.h"

namespace seek::daemon {

struct AgentFlags {
  std::string repo, backend = "local", base_url, model, approval = "on-request", sandbox = "workspace-write";
  int max_steps = 50;
};

struct AgentSetup {
  std::filesystem::path repo;
  std::unique_ptr<engine::ChatBackend> backend;
  std::shared_ptr<const tools::Workspace> workspace;
  tools::ToolRegistry registry;
  tools::ApprovalPolicy policy;
  agent::AgentConfig config;
};

/// Everything from the flags; an error here is a usage or configuration error (exit 2).
Result<std::unique_ptr<AgentSetup>> make_agent_setup(const AgentFlags& flags, const char* command);

/// JSON text with invalid UTF-8 written as U+FFFD (tool output and model text may hold it).
std::string safe_dump(const nlohmann::json& j);

std::filesystem::path sessions_dir();

class SessionFile {
 public:
  /// A new session file for `header` (which holds its "id").
  static Result<SessionFile> create(const nlohmann::json& header);
  /// An existing session: its file reopened for appending, its header and transcript.
  static Result<std::pair<SessionFile, std::pair<nlohmann::json, nlohmann::json>>> open(const std::string& id);
  /// The id of the most recent session on `repo`, if any.
  static std::optional<std::string> last_for(const std::filesystem::path& repo);
  static std::string new_id();

  SessionFile(SessionFile&& o) noexcept;
  ~SessionFile();
  /// Appends the messages of `transcript` not written yet, then fsyncs.
  Status sync(const nlohmann::json& transcript);
  const std::filesystem::path& path() const { return path_; }

 private:
  SessionFile(int fd, std::filesystem::path path, std::size_t written) : fd_(fd), path_(std::move(path)), written_(written) {}
  Status write_all(const std::string& text);
  int fd_ = -1;
  std::filesystem::path path_;
  std::size_t written_ = 0;
};

}  // namespace seek::daemon
