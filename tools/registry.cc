// ToolRegistry: registration and dispatch by name.
#include <string>

#include "tools/tool.h"

namespace seek::tools {

Status ToolRegistry::add(std::unique_ptr<ToolHandler> handler) {
  if (!handler) return make_error(ErrorCode::kInvalidArgument, "null tool handler");
  std::string name = handler->name();
  if (handlers_.contains(name)) return make_error(ErrorCode::kAlreadyExists, "tool already registered: " + name);
  handlers_.emplace(std::move(name), std::move(handler));
  return ok_status();
}

ToolHandler* ToolRegistry::find(std::string_view name) const {
  auto it = handlers_.find(name);
  return it == handlers_.end() ? nullptr : it->second.get();
}

Result<ToolOutput> ToolRegistry::dispatch(const ToolInvocation& call) const {
  if (ToolHandler* handler = find(call.name)) return handler->handle(call);
  std::string known;
  for (const auto& [name, _] : handlers_) known += (known.empty() ? "" : ", ") + name;
  return ToolOutput{.text = "unknown tool '" + call.name + "'; available tools: " + (known.empty() ? "(none)" : known),
                    .is_error = true};
}

std::vector<std::string> ToolRegistry::names() const {
  std::vector<std::string> out;
  for (const auto& [name, _] : handlers_) out.push_back(name);
  return out;
}

}  // namespace seek::tools
