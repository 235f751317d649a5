// The official-compatible reply parser (see reply_parser.h). Its steps and error messages
// follow parse_message_from_completion_text and parse_tool_calls of encoding_dsv4.py.
#include "engine/chat/reply_parser.h"

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include <fmt/format.h>

#include <memory>
#include <optional>

#include "engine/chat/chat_format.h"
#include "engine/chat/py_json.h"

namespace seek::engine {
namespace {

// Python's `\s` on str: Unicode whitespace (str.isspace), which includes \x1c-\x1f.
constexpr const char* kPythonSpace =
    "[\\t\\n\\x{0B}\\f\\r\\x{1C}-\\x{1F} \\x{85}\\x{A0}\\x{1680}\\x{2000}-\\x{200A}\\x{2028}\\x{2029}\\x{202F}"
    "\\x{205F}\\x{3000}]";

class Pattern {
 public:
  explicit Pattern(const std::string& pattern) {
    int error = 0;
    PCRE2_SIZE offset = 0;
    code_ = pcre2_compile(reinterpret_cast<PCRE2_SPTR>(pattern.data()), pattern.size(),
                          PCRE2_UTF | PCRE2_UCP | PCRE2_DOTALL, &error, &offset, nullptr);
  }
  ~Pattern() { pcre2_code_free(code_); }
  Pattern(const Pattern&) = delete;
  Pattern& operator=(const Pattern&) = delete;

  // The captured groups of a match of the whole pattern against `subject`, or nullopt.
  std::optional<std::vector<std::string>> match(std::string_view subject) const {
    if (code_ == nullptr) return std::nullopt;
    std::unique_ptr<pcre2_match_data, decltype(&pcre2_match_data_free)> data(
        pcre2_match_data_create_from_pattern(code_, nullptr), &pcre2_match_data_free);
    // No step limit: Python's re has none, and a 10 MB parameter value is legitimate.
    std::unique_ptr<pcre2_match_context, decltype(&pcre2_match_context_free)> context(
        pcre2_match_context_create(nullptr), &pcre2_match_context_free);
    pcre2_set_match_limit(context.get(), UINT32_MAX);
    pcre2_set_depth_limit(context.get(), UINT32_MAX);
    pcre2_set_heap_limit(context.get(), UINT32_MAX);
    const int rc = pcre2_match(code_, reinterpret_cast<PCRE2_SPTR>(subject.data()), subject.size(), 0, 0,
                               data.get(), context.get());
    if (rc < 0) return std::nullopt;
    const PCRE2_SIZE* ovector = pcre2_get_ovector_pointer(data.get());
    std::vector<std::string> groups;
    for (int i = 1; i < rc; ++i) {
      groups.emplace_back(subject.substr(ovector[2 * i], ovector[2 * i + 1] - ovector[2 * i]));
    }
    return groups;
  }

 private:
  pcre2_code* code_ = nullptr;
};

Error format_error(std::string message) { return make_error(ErrorCode::kInvalidArgument, std::move(message)); }

struct Stop {
  std::size_t next = 0;               // index after the stop string (or text end)
  std::string_view content;           // text before it
  std::optional<std::string_view> stop;
};

// The official _read_until_stop: the earliest of the stop strings, the first listed on ties.
Stop read_until_stop(std::size_t index, std::string_view text, std::initializer_list<std::string_view> stops) {
  std::size_t best = text.size();
  std::optional<std::string_view> matched;
  for (std::string_view stop : stops) {
    const std::size_t pos = text.find(stop, index);
    if (pos != std::string_view::npos && pos < best) {
      best = pos;
      matched = stop;
    }
  }
  if (matched) return Stop{best + matched->size(), text.substr(index, best - index), matched};
  return Stop{text.size(), text.substr(std::min(index, text.size())), std::nullopt};
}

// Python repr-ish quoting for error messages ('...').
std::string py_quoted(std::string_view text) { return "'" + std::string(text) + "'"; }

std::string decode_dsml_arguments(const std::vector<std::tuple<std::string, std::string, bool>>& params) {
  std::string out = "{";
  for (std::size_t i = 0; i < params.size(); ++i) {
    const auto& [name, value, is_string] = params[i];
    if (i != 0) out += ", ";
    out += python_json_dumps(OrderedJson(name));
    out += ": ";
    out += is_string ? python_json_dumps(OrderedJson(value)) : value;
  }
  out += "}";
  return out;
}

Result<std::pair<std::size_t, std::vector<ParsedToolCall>>> parse_tool_calls(std::size_t index, std::string_view text,
                                                                             std::optional<std::string_view>& stop) {
  std::vector<ParsedToolCall> calls;
  stop.reset();
  const std::string invoke_open(chat::kInvokeOpen);
  const std::string invoke_close(chat::kInvokeClose);
  const std::string parameter_open(chat::kParameterOpen);
  while (index < text.size()) {
    Stop s = read_until_stop(index, text, {chat::kInvokeOpen, chat::kToolCallsClose});
    index = s.next;
    stop = s.stop;
    if (s.content != ">\n") {
      return format_error("Tool call format error: expected '>\\n' but got " + py_quoted(s.content));
    }
    if (stop == chat::kToolCallsClose) break;
    if (!stop) return format_error("Missing special token in tool calls");

    s = read_until_stop(index, text, {chat::kParameterOpen, chat::kInvokeClose});
    index = s.next;
    stop = s.stop;
    std::string name;
    if (!match_invoke_header(s.content, name)) return format_error("Tool name format error: " + py_quoted(s.content));

    std::vector<std::tuple<std::string, std::string, bool>> params;
    while (stop == chat::kParameterOpen) {
      s = read_until_stop(index, text, {chat::kParameterClose});
      index = s.next;
      stop = s.stop;
      std::string param_name, value;
      bool is_string = false;
      if (!match_parameter(s.content, param_name, is_string, value)) {
        return format_error("Parameter format error: " + py_quoted(s.content));
      }
      for (const auto& param : params) {
        if (std::get<0>(param) == param_name) return format_error("Duplicate parameter name: " + py_quoted(param_name));
      }
      params.emplace_back(std::move(param_name), std::move(value), is_string);
      s = read_until_stop(index, text, {chat::kParameterOpen, chat::kInvokeClose});
      index = s.next;
      stop = s.stop;
      if (s.content != ">\n") {
        return format_error("Parameter format error: expected '>\\n' but got " + py_quoted(s.content));
      }
    }
    calls.push_back(ParsedToolCall{std::move(name), decode_dsml_arguments(params)});
  }
  return std::make_pair(index, std::move(calls));
}

}  // namespace

bool match_invoke_header(std::string_view text, std::string& name) {
  static const Pattern pattern(std::string("^") + kPythonSpace + "*name=\"(.*?)\">\\n$");
  auto groups = pattern.match(text);
  if (!groups) return false;
  name = (*groups)[0];
  return true;
}

bool match_parameter(std::string_view text, std::string& name, bool& is_string, std::string& value) {
  static const Pattern pattern("^ name=\"(.*?)\" string=\"(true|false)\">(.*?)<$");
  auto groups = pattern.match(text);
  if (!groups) return false;
  name = (*groups)[0];
  is_string = (*groups)[1] == "true";
  value = (*groups)[2];
  return true;
}

Result<ParsedReply> parse_reply(std::string_view text, ThinkingMode mode) {
  ParsedReply reply;
  std::size_t index = 0;
  if (mode == ThinkingMode::kThinking) {
    Stop s = read_until_stop(index, text, {chat::kThinkEnd, chat::kToolCallsStart});
    index = s.next;
    reply.reasoning_content = s.content;
    if (s.stop != chat::kThinkEnd) return format_error("Invalid thinking format: missing </think>");
  }
  Stop s = read_until_stop(index, text, {chat::kEos, chat::kToolCallsStart});
  index = s.next;
  reply.content = s.content;
  std::optional<std::string_view> stop = s.stop;
  const bool tool_calling = stop == chat::kToolCallsStart;
  if (!tool_calling && stop != chat::kEos) return format_error("Invalid format: missing EOS token");
  if (tool_calling) {
    auto parsed = parse_tool_calls(index, text, stop);
    if (!parsed.ok()) return std::move(parsed).error();
    index = parsed->first;
    reply.tool_calls = std::move(parsed->second);
    s = read_until_stop(index, text, {chat::kEos});
    index = s.next;
    stop = s.stop;
    if (!s.content.empty()) return format_error("Unexpected content after tool calls");
  }
  if (index != text.size() || (stop && stop != chat::kEos)) return format_error("Unexpected content at end");
  for (std::string_view token : {chat::kBos, chat::kEos, chat::kThinkStart, chat::kThinkEnd, chat::kDsml}) {
    if (reply.content.find(token) != std::string::npos || reply.reasoning_content.find(token) != std::string::npos) {
      return format_error(fmt::format("Unexpected special token '{}' in content", token));
    }
  }
  return reply;
}

std::string reply_to_json(const ParsedReply& reply) {
  OrderedJson out = OrderedJson::object();
  out["role"] = "assistant";
  out["reasoning_content"] = reply.reasoning_content;
  out["content"] = reply.content;
  out["tool_calls"] = OrderedJson::array();
  for (const ParsedToolCall& call : reply.tool_calls) {
    OrderedJson function = OrderedJson::object();
    function["name"] = call.name;
    function["arguments"] = call.arguments;
    OrderedJson entry = OrderedJson::object();
    entry["type"] = "function";
    entry["function"] = std::move(function);
    out["tool_calls"].push_back(std::move(entry));
  }
  return out.dump(-1, ' ', false, OrderedJson::error_handler_t::replace);
}

}  // namespace seek::engine
