// What `seek run` and `seek chat` share: the chat backend from the model flags, the tools
// on the repository (commands in the sandbox), the approval rules, the agent config, and
// the session files under $XDG_DATA_HOME/seek/sessions/ (a header line, then one message
// per line, fsynced after every step).
#pragma once

#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <utility>

#include <nlohmann/json.hpp>

#include "agent/agent_loop.h"
#include "agent/session_host.h"
#include "agent/session_store.h"
#include "daemon/backend_choice.h"
#include "tools/approval.h"
#include "tools/tool.h"
#include "tools/workspace.h"

namespace seek::daemon {

struct AgentFlags {
  std::string repo, backend = "local", base_url, model, approval = "on-request", sandbox = "workspace-write";
  int max_steps = 50;
  /// The API key for --backend openai; nullopt: from the environment (DEEPSEEK_API_KEY,
  /// then OPENAI_API_KEY). A daemon-hosted session gets its client's key this way.
  std::optional<std::string> api_key;
};

struct AgentSetup : agent::SessionRuntime {
  std::filesystem::path repo;
  std::shared_ptr<const tools::Workspace> workspace;
};

/// Everything from the flags; an error here is a usage or configuration error (exit 2).
/// `load_engine` defaults to loading a fresh LocalEngine. `command` names the CLI command
/// whose warnings go to stderr (nullptr: a daemon-hosted session, silent).
Result<std::unique_ptr<AgentSetup>> make_agent_setup(const AgentFlags& flags, const char* command,
                                                     const EngineLoader& load_engine = {});

/// A session header's settings, and back (the daemon builds sessions from headers).
nlohmann::json settings_of(const AgentFlags& flags);
Result<AgentFlags> flags_of(const nlohmann::json& settings);

using agent::safe_dump;
using agent::SessionFile;
using agent::sessions_dir;

}  // namespace seek::daemon
