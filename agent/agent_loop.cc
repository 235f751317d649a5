// The agent loop (see agent_loop.h).
#include "agent/agent_loop.h"

#include <fmt/format.h>

namespace seek::agent {
namespace {

using Json = nlohmann::json;

// What the approval rules see of a call: the command of a shell call, the paths it names.
tools::ApprovalRequest approval_request(const tools::ToolHandler* handler, const std::string& tool, const Json& args) {
  tools::ApprovalRequest request;
  if (tool == "shell" && args.contains("command") && args["command"].is_string()) {
    request = tools::shell_request(args["command"].get<std::string>());
  }
  request.tool = tool;
  request.mutating = handler ? handler->is_mutating() : true;
  request.escalation = escalation_of(args);
  request.escalated = !request.escalation.empty();
  for (const char* key : {"path", "file", "dir"}) {
    if (args.contains(key) && args[key].is_string()) request.paths.push_back(args[key].get<std::string>());
  }
  return request;
}

// Argument names other agents' tools taught models (Claude Code's file_path and
// old_str/new_str, cmd, filename...), renamed to ours when our schema has the usual name
// and the call lacks it. A model (or a scripted client) written for another agent then
// still works; the renamed call is what runs and what the approval rules see.
void normalize_argument_names(const Json& schema, Json& args) {
  static const std::pair<const char*, std::vector<const char*>> kAliases[] = {
      {"path", {"file_path", "filepath", "filename", "file", "target_file"}},
      {"old_string", {"old_str", "old_text", "search"}},
      {"new_string", {"new_str", "new_text", "replace"}},
      {"command", {"cmd", "shell_command"}},
      {"patch", {"diff", "input"}},
      {"content", {"contents", "text", "file_text"}},
  };
  if (!schema.contains("properties") || !schema["properties"].is_object()) return;
  const Json& properties = schema["properties"];
  for (const auto& [ours, others] : kAliases) {
    if (!properties.contains(ours) || args.contains(ours)) continue;
    for (const char* other : others) {
      if (args.contains(other) && !properties.contains(other)) {
        args[ours] = std::move(args[other]);
        args.erase(other);
        break;
      }
    }
  }
}

}  // namespace

std::string escalation_of(const Json& args) {
  const auto flag = [&](const char* key) { return args.is_object() && args.contains(key) && args[key].is_boolean() && args[key].get<bool>(); };
  if (flag("with_escalated_permissions")) return "no sandbox";
  if (flag("network")) return "network access";
  return "";
}

Json usage_json(const engine::ChatUsage& usage) {
  return {{"prompt_tokens", usage.prompt_tokens},
          {"completion_tokens", usage.completion_tokens},
          {"total_tokens", usage.total_tokens},
          {"prompt_cache_hit_tokens", usage.cache_hit_tokens},
          {"prompt_cache_miss_tokens", usage.cache_miss_tokens}};
}

std::string_view done_status(RunStatus status) {
  switch (status) {
    case RunStatus::kCompleted: return "success";
    case RunStatus::kCancelled: return "cancelled";
    case RunStatus::kFailed: return "failure";
    default: return "limit";
  }
}

std::int64_t estimate_tokens(const Json& transcript) {
  return static_cast<std::int64_t>(static_cast<double>(transcript.dump(-1, ' ', false, Json::error_handler_t::replace).size()) / 3.5);
}

bool AgentLoop::compact_if_needed(Json& transcript, const EventSink& emit, const std::atomic<bool>& cancel) {
  if (config_.context_budget_tokens <= 0 || estimate_tokens(transcript) <= config_.context_budget_tokens) return true;
  // Keep the system prompt and the task (the first messages up to the first user message),
  // and the last few messages, never starting the kept tail on a tool result (its call
  // would be gone).
  std::size_t head = 0;
  while (head < transcript.size() && transcript[head].value("role", "") != "user") ++head;
  ++head;
  std::size_t tail = transcript.size() > 6 ? transcript.size() - 6 : head;
  while (tail < transcript.size() && transcript[tail].value("role", "") == "tool") ++tail;
  if (tail <= head + 1) return true;  // nothing worth compacting
  std::string middle;
  for (std::size_t i = head; i < tail; ++i) middle += transcript[i].dump(-1, ' ', false, Json::error_handler_t::replace) + "\n";
  engine::ChatRequest request;
  request.model = config_.model;
  request.messages = Json::array(
      {{{"role", "system"},
        {"content", "You compact an agent's working memory. Summarize the conversation below: what was done, what "
                    "was learned (file names, findings, commands and their results), and what remains. Be brief and "
                    "exact."}},
       {{"role", "user"}, {"content", middle}}});
  auto summary = backend_.chat(request, [](const engine::ChatEvent&) {}, cancel);
  if (!summary.ok()) {
    emit({{"type", "error"}, {"message", "compaction: " + summary.error().message}});
    return false;
  }
  const std::size_t removed = tail - head;
  Json compacted = Json::array();
  for (std::size_t i = 0; i < head; ++i) compacted.push_back(transcript[i]);
  compacted.push_back({{"role", "user"}, {"content", "Summary of the earlier work in this session:\n" + summary->content}});
  for (std::size_t i = tail; i < transcript.size(); ++i) compacted.push_back(transcript[i]);
  transcript = std::move(compacted);
  emit({{"type", "compaction"}, {"removed_messages", removed}, {"estimated_tokens", estimate_tokens(transcript)}});
  return true;
}

Json AgentLoop::tool_schemas() const {
  Json tools = Json::array();
  for (const std::string& name : tools_.names()) {
    const tools::ToolHandler* h = tools_.find(name);
    tools.push_back({{"type", "function"},
                     {"function", {{"name", name}, {"description", h->schema().value("description", name)}, {"parameters", h->schema()}}}});
  }
  return tools;
}

Json AgentLoop::run_tool(const engine::ToolCall& call, const EventSink& emit, bool& host_fault, std::string& fault) {
  const auto reply = [&](const std::string& text, bool is_error) {
    emit({{"type", "tool_result"}, {"call_id", call.id}, {"name", call.name}, {"output", text}, {"is_error", is_error}});
    return Json{{"role", "tool"}, {"tool_call_id", call.id}, {"content", text}};
  };
  Json args = Json::parse(call.arguments.empty() ? "{}" : call.arguments, nullptr, false);
  emit({{"type", "tool_call"}, {"call_id", call.id}, {"name", call.name}, {"arguments", args.is_discarded() ? Json(call.arguments) : args}});
  if (args.is_discarded() || !args.is_object()) {
    return reply(fmt::format("error: the arguments of {} are not a JSON object: {}", call.name, call.arguments), true);
  }
  const tools::ToolHandler* handler = tools_.find(call.name);
  if (handler) normalize_argument_names(handler->schema(), args);
  const tools::ApprovalRequest request = approval_request(handler, call.name, args);
  auto verdict = policy_.decide(request);
  std::string how = "rules";
  bool allowed = verdict.decision == tools::Decision::kAllow;
  // A call that asks for more than the sandbox gives (the network, no sandbox at all) is
  // never decided by the rules' allow alone: someone must say yes, except under `never`,
  // where nobody is asked and so it is refused. Deny rules still win.
  const bool escalated = request.escalated && !config_.sandbox_unrestricted;
  if (escalated && verdict.decision != tools::Decision::kDeny) {
    verdict = {tools::Decision::kAsk, "it asks for more than the sandbox allows (" + request.escalation + ")"};
    allowed = false;
  }
  if (verdict.decision == tools::Decision::kAsk) {
    const bool must_ask = escalated || (config_.approval == ApprovalMode::kUntrusted && request.mutating);
    if (escalated && config_.approval == ApprovalMode::kNever) {
      allowed = false;
      how = "never-asks";
    } else if (!must_ask) {
      allowed = true;
      how = config_.approval == ApprovalMode::kNever ? "never-asks" : "within-sandbox";
    } else if (const std::optional<bool> answer = config_.ask ? config_.ask(call.name, args) : std::nullopt) {
      allowed = *answer;
      how = "user";
    } else {
      allowed = false;
      how = "nobody-to-ask";
    }
  }
  std::string reason = verdict.reason;
  if (allowed && config_.pre_tool_hook) {  // a hook may still stop it: reported as a denial
    if (auto blocked = config_.pre_tool_hook(call.name, args)) {
      allowed = false;
      how = "hook";
      reason = *blocked;
    }
  }
  emit({{"type", "approval"}, {"call_id", call.id}, {"name", call.name}, {"decision", allowed ? "approved" : "denied"},
        {"decided_by", how}, {"reason", reason}});
  if (!allowed && how == "hook") return reply("denied by a hook: " + reason, true);
  if (!allowed) return reply(fmt::format("denied: {} was not approved ({})", call.name, verdict.reason.empty() ? how : verdict.reason), true);
  if (config_.before_tool) config_.before_tool(call.name, args);
  auto out = tools_.dispatch({call.name, args});
  if (config_.after_tool) config_.after_tool(call.name, args, out.ok() && !out->is_error);
  if (!out.ok()) {
    host_fault = true;
    fault = out.error().message;
    return reply("error: " + out.error().message, true);
  }
  if (config_.post_tool_hook) {
    if (auto feedback = config_.post_tool_hook(call.name, args, out->text, out->is_error)) {
      return reply(out->text + (out->text.ends_with("\n") ? "" : "\n") + "[hook] " + *feedback, out->is_error);
    }
  }
  return reply(out->text, out->is_error);
}

RunOutcome AgentLoop::run(const std::string& task, Json& transcript, const EventSink& emit, const std::atomic<bool>& cancel,
                          const std::function<void(const Json&)>& after_step) {
  RunOutcome outcome;
  RunCounters used;
  const auto start = std::chrono::steady_clock::now();
  if (transcript.empty() && !config_.system_prompt.empty()) transcript.push_back({{"role", "system"}, {"content", config_.system_prompt}});
  transcript.push_back({{"role", "user"}, {"content", task}});
  const Json schemas = tool_schemas();
  while (true) {
    used.elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start);
    used.tokens = static_cast<std::uint64_t>(outcome.usage.total_tokens);
    if (auto limit = check_limits(config_.limits, used)) {
      outcome.status = *limit;
      return outcome;
    }
    if (cancel.load()) {
      outcome.status = RunStatus::kCancelled;
      return outcome;
    }
    if (!compact_if_needed(transcript, emit, cancel)) {
      outcome.status = RunStatus::kFailed;
      outcome.error = "compaction failed";
      return outcome;
    }
    engine::ChatRequest request;
    request.model = config_.model;
    request.messages = transcript;
    request.tools = schemas;
    request.thinking = config_.thinking;
    request.reasoning_effort = config_.reasoning_effort;
    auto reply = backend_.chat(
        request,
        [&](const engine::ChatEvent& e) {
          if (e.kind == engine::ChatEvent::Kind::kReasoningDelta) emit({{"type", "reasoning_delta"}, {"text", e.text}});
          if (e.kind == engine::ChatEvent::Kind::kContentDelta) emit({{"type", "assistant_delta"}, {"text", e.text}});
        },
        cancel);
    ++used.steps;
    if (!reply.ok()) {  // the backend is a host fault: the turn ends
      outcome.status = RunStatus::kFailed;
      outcome.error = reply.error().message;
      emit({{"type", "error"}, {"message", reply.error().message}});
      return outcome;
    }
    if (reply->finish_reason == "cancelled") {
      outcome.status = RunStatus::kCancelled;
      return outcome;
    }
    outcome.usage.prompt_tokens += reply->usage.prompt_tokens;
    outcome.usage.completion_tokens += reply->usage.completion_tokens;
    outcome.usage.total_tokens += reply->usage.total_tokens;
    outcome.usage.cache_hit_tokens += reply->usage.cache_hit_tokens;
    outcome.usage.cache_miss_tokens += reply->usage.cache_miss_tokens;
    Json assistant = {{"role", "assistant"}, {"content", reply->content}};
    if (!reply->reasoning.empty()) assistant["reasoning_content"] = reply->reasoning;
    if (reply->finish_reason == "malformed") {  // the local parser could not read the reply
      ++used.consecutive_format_errors;
      transcript.push_back(assistant);
      transcript.push_back({{"role", "user"},
                            {"content", "Your last reply could not be parsed. Call tools with the tool-call format, or "
                                        "answer in plain text when the task is done."}});
      if (after_step) after_step(transcript);
      continue;
    }
    if (reply->tool_calls.empty()) {
      transcript.push_back(assistant);
      if (after_step) after_step(transcript);
      if (reply->content.empty() && reply->reasoning.empty()) {  // nothing at all: a malformed reply
        ++used.consecutive_format_errors;
        transcript.back()["content"] = "";
        transcript.push_back({{"role", "user"}, {"content", "Your reply was empty. Continue the task, or say it is done."}});
        continue;
      }
      outcome.status = RunStatus::kCompleted;
      return outcome;
    }
    Json calls = Json::array();
    for (const engine::ToolCall& c : reply->tool_calls) {
      calls.push_back({{"id", c.id}, {"type", "function"}, {"function", {{"name", c.name}, {"arguments", c.arguments}}}});
    }
    assistant["tool_calls"] = calls;
    transcript.push_back(assistant);
    bool malformed = false, host_fault = false;
    std::string fault;
    for (const engine::ToolCall& c : reply->tool_calls) {
      if (cancel.load()) break;
      Json result = run_tool(c, emit, host_fault, fault);
      if (Json::parse(c.arguments.empty() ? "{}" : c.arguments, nullptr, false).is_discarded()) malformed = true;
      transcript.push_back(std::move(result));
      if (host_fault) break;
    }
    used.consecutive_format_errors = malformed ? used.consecutive_format_errors + 1 : 0;
    if (after_step) after_step(transcript);
    if (host_fault) {
      outcome.status = RunStatus::kFailed;
      outcome.error = fault;
      emit({{"type", "error"}, {"message", fault}});
      return outcome;
    }
  }
}

}  // namespace seek::agent
