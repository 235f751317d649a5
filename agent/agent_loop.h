// The agent loop (mini-swe-agent's shape, Codex's events): the transcript is the only
// state. A step queries the chat backend, takes the tool calls it returns, checks each one
// against the approval policy, runs it through the tool registry (whose command tools run
// in the sandbox) and appends the results. Every limit is checked in one place
// (check_limits) and a run ends with a RunStatus. Mistakes the model can fix (bad
// arguments, an unknown tool, a failing command, a denied call) go back to it as tool
// output; only host faults end the run.
#pragma once

#include <atomic>
#include <chrono>
#include <functional>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "agent/run_limits.h"
#include "engine/chat/chat_generator.h"
#include "tools/approval.h"
#include "tools/tool.h"

namespace seek::agent {

enum class ApprovalMode {
  kNever,      ///< never ask: what the rules would ask about runs; deny rules still hold
  kOnRequest,  ///< ask only when a call needs more than the sandbox allows
  kUntrusted,  ///< ask before every mutating call
};

struct AgentConfig {
  std::string model;
  RunLimits limits;
  ApprovalMode approval = ApprovalMode::kOnRequest;
  std::string system_prompt;
  /// Compaction: when the transcript's estimated size passes this many tokens, the turns
  /// between the task and the last few steps are replaced by a summary the model writes.
  /// 0: never.
  std::int64_t context_budget_tokens = 0;
  std::optional<bool> thinking;                 ///< the reasoning mode (chat / thinking)
  std::optional<std::string> reasoning_effort;  ///< "max" for the max mode
  /// Asks the user about one call: true/false, or nullopt when nobody can be asked now.
  /// nullptr or nullopt: the call is denied, decided by "nobody-to-ask".
  std::function<std::optional<bool>(const std::string& tool, const nlohmann::json& arguments)> ask;
  /// The sandbox is danger-full-access: asking for more than it gives asks for nothing.
  bool sandbox_unrestricted = false;
  /// Runs right before an approved call executes (the edit journal records what it will
  /// overwrite, for undo).
  std::function<void(const std::string& tool, const nlohmann::json& arguments)> before_tool;
  /// Hooks: a reason to block an approved call before it runs, and feedback for the model
  /// after it ran (appended to the tool's output). See hooks.h.
  std::function<std::optional<std::string>(const std::string& tool, const nlohmann::json& arguments)> pre_tool_hook;
  std::function<std::optional<std::string>(const std::string& tool, const nlohmann::json& arguments, const std::string& output,
                                           bool is_error)>
      post_tool_hook;
  /// Runs after it, with whether it succeeded (the journal keeps only edits that happened).
  std::function<void(const std::string& tool, const nlohmann::json& arguments, bool succeeded)> after_tool;
};

/// Events, one JSON object each with a "type" (the `seek run --json` contract).
using EventSink = std::function<void(const nlohmann::json& event)>;

struct RunOutcome {
  RunStatus status = RunStatus::kCompleted;
  engine::ChatUsage usage;
  std::string error;  ///< for kFailed
};

class AgentLoop {
 public:
  AgentLoop(engine::ChatGenerator& backend, const tools::ToolRegistry& tools, const tools::ApprovalPolicy& policy,
            AgentConfig config)
      : backend_(backend), tools_(tools), policy_(policy), config_(std::move(config)) {}

  /// Runs `task` to the end. `transcript` (OpenAI chat messages) is read and extended: pass
  /// a resumed session's messages to continue it. `after_step` runs once per step (the
  /// session file is appended and synced there).
  RunOutcome run(const std::string& task, nlohmann::json& transcript, const EventSink& emit,
                 const std::atomic<bool>& cancel, const std::function<void(const nlohmann::json&)>& after_step = {});

  /// The tools' schemas in OpenAI function format.
  nlohmann::json tool_schemas() const;

 private:
  nlohmann::json run_tool(const engine::ToolCall& call, const EventSink& emit, bool& host_fault, std::string& fault);
  /// Compacts `transcript` in place when it is over budget; false on a backend failure.
  bool compact_if_needed(nlohmann::json& transcript, const EventSink& emit, const std::atomic<bool>& cancel);

  engine::ChatGenerator& backend_;
  const tools::ToolRegistry& tools_;
  const tools::ApprovalPolicy& policy_;
  AgentConfig config_;
};

std::string_view done_status(RunStatus status);  ///< success | failure | cancelled | limit

/// The `usage` object of `done` / `turn_done` events.
nlohmann::json usage_json(const engine::ChatUsage& usage);

/// What a call's arguments ask beyond the sandbox: "no sandbox", "network access", or ""
/// (the shell tool's `with_escalated_permissions` and `network` flags).
std::string escalation_of(const nlohmann::json& arguments);

/// A rough token count of a transcript (UTF-8 bytes / 3.5): enough to decide compaction.
std::int64_t estimate_tokens(const nlohmann::json& transcript);

}  // namespace seek::agent
