// DeepSeek V4 chat encoding (see chat_encoding.h). The steps mirror the official encoder:
// merge tool messages into user turns, sort tool results by call order, resolve
// drop_thinking, drop old reasoning, then render each message and its transition tokens.
// Messages stay JSON objects throughout because the official code treats them as dicts
// (field presence, None and truthiness all matter to the output).
#include "engine/chat/chat_encoding.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>

#include "engine/chat/chat_format.h"

namespace seek::engine {
namespace {

using Json = OrderedJson;

Error reject(std::string message) { return make_error(ErrorCode::kInvalidArgument, std::move(message)); }

// msg.get(key): the value, or null when absent.
const Json& get(const Json& object, std::string_view key) {
  static const Json null_value;
  if (!object.is_object()) return null_value;
  auto it = object.find(key);
  return it == object.end() ? null_value : *it;
}

bool has_key(const Json& object, std::string_view key) { return object.is_object() && object.contains(key); }

bool role_is(const Json& message, std::string_view role) {
  const Json& value = get(message, "role");
  return value.is_string() && value.get_ref<const std::string&>() == role;
}

// ---- preprocessing ---------------------------------------------------------------------

// Tool messages become user messages made of content blocks; consecutive user/tool messages
// share one user turn (official merge_tool_messages).
Json merge_tool_messages(const Json& messages) {
  Json merged = Json::array();
  for (const Json& message : messages) {
    const auto previous_is_user_blocks = [&] {
      return !merged.empty() && role_is(merged.back(), "user") && has_key(merged.back(), "content_blocks");
    };
    if (role_is(message, "tool")) {
      Json block = Json::object();
      block["type"] = "tool_result";
      block["tool_use_id"] = has_key(message, "tool_call_id") ? message["tool_call_id"] : Json("");
      block["content"] = has_key(message, "content") ? message["content"] : Json("");
      if (previous_is_user_blocks()) {
        merged.back()["content_blocks"].push_back(std::move(block));
      } else {
        Json user = Json::object();
        user["role"] = "user";
        user["content_blocks"] = Json::array({std::move(block)});
        merged.push_back(std::move(user));
      }
    } else if (role_is(message, "user")) {
      const Json content = has_key(message, "content") ? message["content"] : Json("");
      Json text_block = Json::object();
      text_block["type"] = "text";
      text_block["text"] = content;
      if (previous_is_user_blocks() && get(merged.back(), "task").is_null()) {
        merged.back()["content_blocks"].push_back(std::move(text_block));
      } else {
        Json user = Json::object();
        user["role"] = "user";
        user["content"] = content;
        user["content_blocks"] = Json::array({std::move(text_block)});
        for (const char* key : {"task", "wo_eos", "mask"}) {
          if (has_key(message, key)) user[key] = message[key];
        }
        merged.push_back(std::move(user));
      }
    } else {
      merged.push_back(message);
    }
  }
  return merged;
}

// Python can use a value as a dict key or set member only if it is hashable: lists and
// dicts are not (the official code raises TypeError on them).
bool python_hashable(const Json& value) { return !value.is_object() && !value.is_array(); }

// The exact decimal digits of an integral number (bools as 0/1), for Python's exact
// int/float comparison; nullopt for anything else.
std::optional<std::string> integral_digits(const Json& v) {
  if (v.is_boolean()) return std::string(v.get<bool>() ? "1" : "0");
  if (v.is_number_integer() && !v.is_number_unsigned()) return std::to_string(v.get<std::int64_t>());
  if (v.is_number_unsigned()) return std::to_string(v.get<std::uint64_t>());
  if (is_big_integer(v)) return std::string(v.get_binary().begin(), v.get_binary().end());
  if (v.is_number_float()) {
    const double d = v.get<double>();
    if (!std::isfinite(d) || d != std::floor(d)) return std::nullopt;
    char buffer[400];
    std::snprintf(buffer, sizeof(buffer), "%.0f", d);  // glibc prints a double's exact value
    return std::string(std::strcmp(buffer, "-0") == 0 ? "0" : buffer);
  }
  return std::nullopt;
}

// Python dict-key equality: numbers (bools included: True == 1 == 1.0) compare exactly by
// value, and json.loads' NaN is one shared object, so NaN keys match each other.
bool python_key_equal(const Json& a, const Json& b) {
  const auto numeric = [](const Json& v) { return v.is_number() || v.is_boolean() || is_big_integer(v); };
  if (numeric(a) && numeric(b)) {
    const auto da = integral_digits(a), db = integral_digits(b);
    if (da && db) return *da == *db;
    if (da || db) return false;  // an integer never equals a non-integral float
    const double x = a.get<double>(), y = b.get<double>();
    return (std::isnan(x) && std::isnan(y)) || x == y;
  }
  return a == b;
}

Error unhashable(const Json& value) {
  return reject(std::string("unhashable type: '") + (value.is_object() ? "dict" : "list") + "' used as a tool call id");
}

// Tool results in a user turn follow the order of the calls of the last assistant message
// that made calls (official sort_tool_results_by_call_order; a stable sort, unknown ids 0).
Status sort_tool_results_by_call_order(Json& messages) {
  std::vector<std::pair<Json, std::size_t>> call_order;  // call id -> position, last wins
  const auto order_of = [&](const Json& id) -> std::size_t {
    for (auto it = call_order.rbegin(); it != call_order.rend(); ++it) {
      if (python_key_equal(it->first, id)) return it->second;
    }
    return 0;
  };
  for (Json& message : messages) {
    if (role_is(message, "assistant") && python_truthy(get(message, "tool_calls"))) {
      const Json& calls = message["tool_calls"];
      if (!calls.is_array()) return reject("assistant tool_calls must be a list");
      call_order.clear();
      for (std::size_t i = 0; i < calls.size(); ++i) {
        const Json& call = calls[i];
        if (!call.is_object()) return reject(fmt::format("tool_calls[{}] is not an object", i));
        Json id = get(call, "id");
        if (!python_truthy(id)) {
          const Json& function = has_key(call, "function") ? call["function"] : Json::object();
          if (!function.is_object()) return reject(fmt::format("tool_calls[{}].function is not an object", i));
          id = has_key(function, "id") ? function["id"] : Json("");
        }
        if (python_truthy(id)) {
          if (!python_hashable(id)) return unhashable(id);
          call_order.emplace_back(std::move(id), i);
        }
      }
    } else if (role_is(message, "user") && python_truthy(get(message, "content_blocks"))) {
      Json& blocks = message["content_blocks"];
      std::vector<Json> tool_blocks;
      for (const Json& block : blocks) {
        if (get(block, "type") == "tool_result") tool_blocks.push_back(block);
      }
      if (tool_blocks.size() <= 1 || call_order.empty()) continue;
      for (const Json& block : tool_blocks) {
        if (has_key(block, "tool_use_id") && !python_hashable(block["tool_use_id"])) return unhashable(block["tool_use_id"]);
      }
      std::stable_sort(tool_blocks.begin(), tool_blocks.end(), [&](const Json& a, const Json& b) {
        const Json& id_a = has_key(a, "tool_use_id") ? a["tool_use_id"] : Json("");
        const Json& id_b = has_key(b, "tool_use_id") ? b["tool_use_id"] : Json("");
        return order_of(id_a) < order_of(id_b);
      });
      std::size_t next = 0;
      for (Json& block : blocks) {
        if (get(block, "type") == "tool_result") block = tool_blocks[next++];
      }
    }
  }
  return ok_status();
}

// Index of the last user or developer message, or -1.
std::ptrdiff_t last_user_index(const Json& messages) {
  for (std::ptrdiff_t i = static_cast<std::ptrdiff_t>(messages.size()) - 1; i >= 0; --i) {
    if (role_is(messages[static_cast<std::size_t>(i)], "user") || role_is(messages[static_cast<std::size_t>(i)], "developer")) {
      return i;
    }
  }
  return -1;
}

// Before the last user message: assistant turns lose their reasoning, and developer (and
// any other unknown-role) messages are dropped (official _drop_thinking_messages).
Result<Json> drop_thinking_messages(const Json& messages) {
  const std::ptrdiff_t last_user = last_user_index(messages);
  Json kept = Json::array();
  for (std::size_t i = 0; i < messages.size(); ++i) {
    const Json& message = messages[i];
    // `role in keep_roles` is a set lookup in the official code: an unhashable role raises.
    if (!python_hashable(get(message, "role"))) return reject(fmt::format("message {}: the role is not a string", i));
    const bool always_kept = role_is(message, "user") || role_is(message, "system") || role_is(message, "tool") ||
                             role_is(message, "latest_reminder") || role_is(message, "direct_search_results");
    if (always_kept || static_cast<std::ptrdiff_t>(i) >= last_user) {
      kept.push_back(message);
    } else if (role_is(message, "assistant")) {
      Json copy = message;
      copy.erase("reasoning_content");
      kept.push_back(std::move(copy));
    }
  }
  return kept;
}

// ---- rendering -------------------------------------------------------------------------

// `"{x}".format(x=value)` for a value that the official code passes through `or ""`.
std::string str_or_empty(const Json& value) { return python_truthy(value) ? python_str(value) : std::string(); }

// Python's `"\n\n".join(parts)`: every part must be a str.
Result<std::string> join_strings(const std::vector<Json>& parts, std::string_view what) {
  std::string out;
  for (std::size_t i = 0; i < parts.size(); ++i) {
    if (!parts[i].is_string()) {
      return reject(fmt::format("{} must be a string, got {}", what, python_json_dumps(parts[i])));
    }
    if (i != 0) out += "\n\n";
    out += parts[i].get_ref<const std::string&>();
  }
  return out;
}

// [tool["function"] for tool in tools]
Result<Json> functions_of(const Json& tools) {
  if (!tools.is_array()) return reject("tools must be a list of {\"type\": \"function\", \"function\": {...}}");
  Json functions = Json::array();
  for (const Json& tool : tools) {
    if (!has_key(tool, "function")) return reject(fmt::format("tool {} has no 'function'", python_json_dumps(tool)));
    functions.push_back(tool["function"]);
  }
  return functions;
}

struct ToolCall {
  Json name;
  Json arguments;
};

Result<std::vector<ToolCall>> tool_calls_of(const Json& calls) {
  if (!calls.is_array()) return reject("tool_calls must be a list");
  std::vector<ToolCall> out;
  for (const Json& call : calls) {
    const Json& function = get(call, "function");
    if (!has_key(call, "function") || !function.is_object() || !has_key(function, "name") ||
        !has_key(function, "arguments")) {
      return reject(fmt::format("tool call {} needs function.name and function.arguments", python_json_dumps(call)));
    }
    out.push_back(ToolCall{function["name"], function["arguments"]});
  }
  return out;
}

std::string render_tools(const Json& functions) {
  std::string out(chat::kToolsPrefix);
  for (std::size_t i = 0; i < functions.size(); ++i) {
    if (i != 0) out.push_back('\n');
    python_json_dumps_into(functions[i], out);
  }
  out += chat::kToolsSuffix;
  return out;
}

std::string render_response_format(const Json& response_format) {
  return std::string(chat::kResponseFormatPrefix) + python_json_dumps(response_format);
}

// One call's arguments as DSML parameters. Arguments that are not a JSON object string are
// wrapped as {"arguments": raw}, as the official encoder does when json.loads fails.
Result<std::string> encode_arguments_to_dsml(const ToolCall& call) {
  std::optional<Json> parsed;
  // json.loads runs a few frames deep inside encode_messages: about 990 levels fit.
  if (call.arguments.is_string()) parsed = python_json_loads(call.arguments.get_ref<const std::string&>(), 990);
  Json arguments;
  if (parsed) {
    arguments = std::move(*parsed);
  } else {
    arguments = Json::object();
    arguments["arguments"] = call.arguments;
  }
  if (!arguments.is_object()) {
    return reject(fmt::format("tool call arguments must be a JSON object, got {}", python_json_dumps(arguments)));
  }
  std::string out;
  bool first = true;
  for (const auto& [key, value] : arguments.items()) {
    if (!first) out.push_back('\n');
    first = false;
    const bool is_string = value.is_string();
    fmt::format_to(std::back_inserter(out), "<{}parameter name=\"{}\" string=\"{}\">", chat::kDsml, key,
                   is_string ? "true" : "false");
    if (is_string) {
      out += value.get_ref<const std::string&>();
    } else {
      python_json_dumps_into(value, out);
    }
    fmt::format_to(std::back_inserter(out), "</{}parameter>", chat::kDsml);
  }
  return out;
}

Result<std::string> render_user_blocks(const Json& blocks) {
  if (!blocks.is_array()) return reject("content_blocks must be a list");
  std::vector<Json> parts;
  for (const Json& block : blocks) {
    if (!block.is_object()) return reject("a content block must be an object");
    const Json& type = get(block, "type");
    if (type == "text") {
      parts.push_back(has_key(block, "text") ? block["text"] : Json(""));
    } else if (type == "tool_result") {
      Json tool_content = has_key(block, "content") ? block["content"] : Json("");
      if (tool_content.is_array()) {
        std::vector<Json> text_parts;
        for (const Json& part : tool_content) {
          if (!part.is_object()) return reject("a tool result content block must be an object");
          if (get(part, "type") == "text") {
            text_parts.push_back(has_key(part, "text") ? part["text"] : Json(""));
          } else {
            text_parts.push_back(Json(fmt::format("[Unsupported {}]", python_str(get(part, "type")))));
          }
        }
        SEEK_ASSIGN_OR_RETURN(std::string joined, join_strings(text_parts, "tool result text"));
        tool_content = joined;
      }
      parts.push_back(Json("<tool_result>" + python_str(tool_content) + "</tool_result>"));
    } else {
      parts.push_back(Json(fmt::format("[Unsupported {}]", python_str(type))));
    }
  }
  return join_strings(parts, "user content");
}

struct RenderContext {
  const Json& messages;
  ThinkingMode mode;
  bool drop_thinking;
  std::optional<ReasoningEffort> effort;
  std::ptrdiff_t last_user;
};

Result<std::string> render_message(std::size_t index, const RenderContext& ctx) {
  const Json& message = ctx.messages[index];
  const bool thinking = ctx.mode == ThinkingMode::kThinking;
  std::string prompt;

  const Json& content = get(message, "content");
  const Json& response_format = get(message, "response_format");
  Json functions;
  if (python_truthy(get(message, "tools"))) {
    SEEK_ASSIGN_OR_RETURN(functions, functions_of(message["tools"]));
  }
  std::vector<ToolCall> calls;
  if (python_truthy(get(message, "tool_calls"))) {
    SEEK_ASSIGN_OR_RETURN(calls, tool_calls_of(message["tool_calls"]));
  }
  const bool has_tools = python_truthy(functions);

  if (index == 0 && thinking && ctx.effort == ReasoningEffort::kMax) prompt += chat::kReasoningEffortMax;

  if (role_is(message, "system")) {
    prompt += str_or_empty(content);
    if (has_tools) prompt += "\n\n" + render_tools(functions);
    if (python_truthy(response_format)) prompt += "\n\n" + render_response_format(response_format);
  } else if (role_is(message, "developer")) {
    if (!python_truthy(content)) return reject(fmt::format("message {}: a developer message needs content", index));
    if (!content.is_string()) return reject(fmt::format("message {}: developer content must be a string", index));
    prompt += chat::kUser;
    prompt += content.get_ref<const std::string&>();
    if (has_tools) prompt += "\n\n" + render_tools(functions);
    if (python_truthy(response_format)) prompt += "\n\n" + render_response_format(response_format);
  } else if (role_is(message, "user")) {
    prompt += chat::kUser;
    if (python_truthy(get(message, "content_blocks"))) {
      SEEK_ASSIGN_OR_RETURN(std::string text, render_user_blocks(message["content_blocks"]));
      prompt += text;
    } else if (python_truthy(content)) {
      if (!content.is_string()) return reject(fmt::format("message {}: user content must be a string", index));
      prompt += content.get_ref<const std::string&>();
    }
  } else if (role_is(message, "latest_reminder")) {
    prompt += chat::kLatestReminder;
    prompt += python_str(content);
  } else if (role_is(message, "tool")) {
    return reject("tool messages must be merged into user turns first");  // unreachable after merge
  } else if (role_is(message, "assistant")) {
    std::string tool_calls_text;
    if (!calls.empty()) {
      tool_calls_text = fmt::format("\n\n<{}tool_calls>\n", chat::kDsml);
      for (std::size_t i = 0; i < calls.size(); ++i) {
        SEEK_ASSIGN_OR_RETURN(std::string parameters, encode_arguments_to_dsml(calls[i]));
        if (i != 0) tool_calls_text.push_back('\n');
        fmt::format_to(std::back_inserter(tool_calls_text), "<{0}invoke name=\"{1}\">\n{2}\n</{0}invoke>", chat::kDsml,
                       python_str(calls[i].name), parameters);
      }
      fmt::format_to(std::back_inserter(tool_calls_text), "\n</{}tool_calls>", chat::kDsml);
    }
    // The answer to a quick-instruction task carries no thinking part.
    const bool previous_has_task = index > 0 && !get(ctx.messages[index - 1], "task").is_null();
    if (thinking && !previous_has_task &&
        (!ctx.drop_thinking || static_cast<std::ptrdiff_t>(index) > ctx.last_user)) {
      prompt += str_or_empty(get(message, "reasoning_content"));
      prompt += chat::kThinkEnd;
    }
    prompt += str_or_empty(content);
    prompt += tool_calls_text;
    if (!python_truthy(get(message, "wo_eos"))) prompt += chat::kEos;
  } else {
    return reject(fmt::format("message {}: unknown role {}", index, python_str(get(message, "role"))));
  }

  // Transition tokens go only before an assistant or latest_reminder turn, or at the end.
  if (index + 1 < ctx.messages.size() && !role_is(ctx.messages[index + 1], "assistant") &&
      !role_is(ctx.messages[index + 1], "latest_reminder")) {
    return prompt;
  }
  const Json& task = get(message, "task");
  if (!task.is_null()) {
    const auto* found = std::find_if(std::begin(chat::kTaskTokens), std::end(chat::kTaskTokens),
                                     [&](const chat::TaskToken& t) { return task.is_string() && task.get_ref<const std::string&>() == t.task; });
    if (found == std::end(chat::kTaskTokens)) {
      return reject(fmt::format("message {}: invalid task {}; valid tasks are action, query, authority, domain, "
                                "title, read_url", index, python_json_dumps(task)));
    }
    if (found->task != "action") {
      prompt += found->token;
    } else {
      prompt += chat::kAssistant;
      prompt += thinking ? chat::kThinkStart : chat::kThinkEnd;
      prompt += found->token;
    }
  } else if (role_is(message, "user") || role_is(message, "developer")) {
    prompt += chat::kAssistant;
    const bool open_thinking =
        thinking && (!ctx.drop_thinking || static_cast<std::ptrdiff_t>(index) >= ctx.last_user);
    prompt += open_thinking ? chat::kThinkStart : chat::kThinkEnd;
  }
  return prompt;
}

}  // namespace

Result<std::string> encode_chat(const OrderedJson& messages, const ChatEncodeOptions& options) {
  // The official code iterates what it is given: an empty object or string is an empty
  // conversation; anything else that is not a list fails there.
  if ((messages.is_object() || messages.is_string()) && messages.empty()) {
    return options.add_bos ? std::string(chat::kBos) : std::string();
  }
  if (messages.is_string() && messages.get_ref<const std::string&>().empty()) {
    return options.add_bos ? std::string(chat::kBos) : std::string();
  }
  if (!messages.is_array()) return reject("messages must be a JSON array");
  for (std::size_t i = 0; i < messages.size(); ++i) {
    if (!messages[i].is_object()) return reject(fmt::format("message {} is not a JSON object", i));
  }
  Json merged = merge_tool_messages(messages);
  SEEK_RETURN_IF_ERROR(sort_tool_results_by_call_order(merged));

  bool drop_thinking = options.drop_thinking;
  for (const Json& message : merged) {
    if (python_truthy(get(message, "tools"))) drop_thinking = false;
  }
  if (options.thinking_mode == ThinkingMode::kThinking && drop_thinking) {
    SEEK_ASSIGN_OR_RETURN(merged, drop_thinking_messages(merged));
  }

  std::string prompt = options.add_bos ? std::string(chat::kBos) : std::string();
  const RenderContext ctx{merged, options.thinking_mode, drop_thinking, options.reasoning_effort,
                          last_user_index(merged)};
  for (std::size_t i = 0; i < merged.size(); ++i) {
    auto rendered = render_message(i, ctx);
    if (!rendered.ok()) return std::move(rendered).error();
    prompt += *rendered;
  }
  return prompt;
}

}  // namespace seek::engine
