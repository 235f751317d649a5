// Test doubles for the agent: a chat backend that answers from a script (and records what
// it was sent), a tool whose behaviour is a lambda, and short builders for replies.
#pragma once

#include <atomic>
#include <deque>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "engine/chat/chat_generator.h"
#include "tools/tool.h"

namespace seek::agent {

using Json = nlohmann::json;

class ScriptedChat final : public engine::ChatGenerator {
 public:
  explicit ScriptedChat(std::deque<engine::ChatResult> replies, bool repeat_last = false)
      : replies_(std::move(replies)), repeat_last_(repeat_last) {}
  std::string name() const override { return "scripted"; }
  Result<engine::ChatResult> chat(const engine::ChatRequest& request, seek::FunctionRef<void(const engine::ChatEvent&)> sink,
                                  const std::atomic<bool>&) override {
    seen.push_back(request.messages);
    if (replies_.empty()) return make_error(ErrorCode::kUnavailable, "script exhausted");
    engine::ChatResult r = replies_.front();
    if (!repeat_last_ || replies_.size() > 1) replies_.pop_front();
    if (!r.content.empty()) sink(engine::ChatEvent{engine::ChatEvent::Kind::kContentDelta, r.content, 0, {}, {}});
    r.usage.total_tokens = 10;
    return r;
  }
  std::vector<Json> seen;

 private:
  std::deque<engine::ChatResult> replies_;
  bool repeat_last_;
};

class FakeTool final : public tools::ToolHandler {
 public:
  FakeTool(std::string name, bool mutating, std::function<Result<tools::ToolOutput>(const Json&)> fn)
      : name_(std::move(name)), mutating_(mutating), fn_(std::move(fn)) {}
  std::string name() const override { return name_; }
  Json schema() const override { return {{"type", "object"}, {"description", "fake " + name_}}; }
  bool is_mutating() const override { return mutating_; }
  Result<tools::ToolOutput> handle(const tools::ToolInvocation& call) override { return fn_(call.arguments); }

 private:
  std::string name_;
  bool mutating_;
  std::function<Result<tools::ToolOutput>(const Json&)> fn_;
};

inline engine::ChatResult call(const std::string& tool, const std::string& args) {
  engine::ChatResult r;
  r.tool_calls.push_back({"call_" + tool, tool, args});
  r.finish_reason = "tool_calls";
  return r;
}
inline engine::ChatResult say(const std::string& text) {
  engine::ChatResult r;
  r.content = text;
  r.finish_reason = "stop";
  return r;
}

}  // namespace seek::agent
