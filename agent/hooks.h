// Hooks (Claude Code's idea, in small): commands from `[[hooks]]` in the user config that run
// around tool calls, in the repository root, with the call as JSON on stdin.
//   pre_tool:  exit 0 lets the call run; exit 2 blocks it, and the hook's stderr goes back
//              to the model as the reason; any other failure (a crash, a timeout) is
//              reported on the daemon's log and does not block.
//   post_tool: exit 2 sends the hook's stderr to the model after the tool's output (a
//              formatter or a linter saying what is wrong); other outcomes add nothing.
// stdin: {"event", "tool", "arguments", "repo"} (+ "output", "is_error" after the call).
// Hooks are the user's own commands: they run outside the sandbox, under a timeout.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "tools/approval.h"

namespace seek::agent {

class HookRunner {
 public:
  HookRunner(std::vector<tools::HookSpec> hooks, std::filesystem::path repo) : hooks_(std::move(hooks)), repo_(std::move(repo)) {}

  /// The reason to block the call, when a pre_tool hook says so.
  std::optional<std::string> before(const std::string& tool, const nlohmann::json& arguments) const;
  /// What post_tool hooks have to tell the model about the call's result.
  std::optional<std::string> after(const std::string& tool, const nlohmann::json& arguments, const std::string& output,
                                   bool is_error) const;
  bool empty() const { return hooks_.empty(); }

 private:
  struct Outcome {
    int exit_code = 0;
    std::string err;
  };
  std::optional<Outcome> run(const tools::HookSpec& hook, const nlohmann::json& input) const;
  std::vector<tools::HookSpec> hooks_;
  std::filesystem::path repo_;
};

}  // namespace seek::agent
