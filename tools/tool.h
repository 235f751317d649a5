// The tool interface the agent calls (codex tools/handlers style): each tool is a handler
// with a name, a JSON schema for its arguments and a mutating flag, and the registry maps
// names to handlers. Tools never spawn processes themselves: commands go through sandbox/.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "base/result.h"

namespace seek::tools {

/// One call of a tool, as the model asked for it.
struct ToolInvocation {
  std::string name;
  nlohmann::json arguments;  ///< object
};

/// What the model sees back. `is_error` marks a failure the model can fix (bad path, bad
/// arguments): it goes back to the model as output. Host faults are an Error instead.
struct ToolOutput {
  std::string text;
  bool is_error = false;
  friend bool operator==(const ToolOutput&, const ToolOutput&) = default;
};

/// A tool. Implementations live one per file (read_file.cc, apply_patch.cc, git_status.cc...).
class ToolHandler {
 public:
  virtual ~ToolHandler() = default;
  virtual std::string name() const = 0;
  /// JSON schema of the arguments object.
  virtual nlohmann::json schema() const = 0;
  /// True when the tool may change files, the repository or the world; answer true when unsure.
  virtual bool is_mutating() const { return true; }
  virtual Result<ToolOutput> handle(const ToolInvocation& call) = 0;
};

/// Name -> handler.
class ToolRegistry {
 public:
  /// Adds a handler; kAlreadyExists when the name is taken.
  Status add(std::unique_ptr<ToolHandler> handler);
  /// The handler for `name`, or nullptr.
  ToolHandler* find(std::string_view name) const;
  /// Dispatches a call. An unknown tool is a model-visible error naming the known tools.
  Result<ToolOutput> dispatch(const ToolInvocation& call) const;
  /// Names in sorted order.
  std::vector<std::string> names() const;

 private:
  std::map<std::string, std::unique_ptr<ToolHandler>, std::less<>> handlers_;
};

}  // namespace seek::tools
