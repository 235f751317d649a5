// Streaming reply parser (see reply_stream.h). A state machine over a small buffer: text is
// emitted as soon as it cannot be the start of a marker (</think>, the tool-call block, EOS,
// the end of a parameter); the DSML markup itself is matched once complete.
#include "engine/chat/reply_stream.h"

#include "base/utf8.h"
#include <fmt/format.h>

#include <algorithm>

#include "engine/chat/chat_format.h"
#include "engine/chat/py_json.h"
#include "engine/chat/reply_parser.h"

namespace seek::engine {
namespace {

// The longest headers we wait for before calling the markup malformed.
constexpr std::size_t kMaxHeaderBytes = 4096;

// Length of the longest suffix of `text` that is a proper prefix of `marker`.
std::size_t partial_marker_suffix(std::string_view text, std::string_view marker) {
  for (std::size_t n = std::min(text.size(), marker.size() - 1); n > 0; --n) {
    if (text.substr(text.size() - n) == marker.substr(0, n)) return n;
  }
  return 0;
}

bool starts_with(std::string_view text, std::string_view prefix) { return text.substr(0, prefix.size()) == prefix; }

// Which of `options` the buffer starts with (index), -1 if it may still become one, -2 if not.
int match_one_of(std::string_view buffer, std::initializer_list<std::string_view> options) {
  int index = 0;
  bool possible = false;
  for (std::string_view option : options) {
    if (starts_with(buffer, option)) return index;
    if (starts_with(option, buffer)) possible = true;
    ++index;
  }
  return possible ? -1 : -2;
}

const std::string kInvokeNext = std::string(">\n") + std::string(chat::kInvokeOpen);
const std::string kCloseNext = std::string(">\n") + std::string(chat::kToolCallsClose);
const std::string kParamNext = std::string(">\n") + std::string(chat::kParameterOpen);
const std::string kInvokeCloseNext = std::string(">\n") + std::string(chat::kInvokeClose);
const std::string kParamEnd = "<" + std::string(chat::kParameterClose);  // </｜DSML｜parameter
constexpr std::string_view kNamePrefix = " name=\"";

}  // namespace

ReplyStreamParser::ReplyStreamParser(ThinkingMode mode)
    : state_(mode == ThinkingMode::kThinking ? State::kReasoning : State::kContent) {}

void ReplyStreamParser::emit_text(std::vector<ReplyEvent>& events, std::string_view text) {
  if (text.empty()) return;
  ReplyEvent event;
  event.kind = state_ == State::kReasoning ? ReplyEvent::Kind::kReasoningDelta : ReplyEvent::Kind::kContentDelta;
  event.text = text;
  events.push_back(std::move(event));
}

void ReplyStreamParser::emit_arguments(std::vector<ReplyEvent>& events, std::string_view text) {
  if (text.empty()) return;
  arguments_ += text;
  ReplyEvent event;
  event.kind = ReplyEvent::Kind::kToolCallArgumentsDelta;
  event.tool_index = tool_index_;
  event.text = text;
  events.push_back(std::move(event));
}

void ReplyStreamParser::emit_value(std::vector<ReplyEvent>& events, std::string_view raw_value) {
  if (raw_value.empty()) return;
  if (!value_is_string_) {
    value_raw_ += raw_value;
    emit_arguments(events, raw_value);
    return;
  }
  // A JSON string body: python_json_dumps adds the quotes, which the header/end emit.
  std::string escaped = python_json_dumps(OrderedJson(std::string(raw_value)));
  emit_arguments(events, std::string_view(escaped).substr(1, escaped.size() - 2));
}

void ReplyStreamParser::fail(std::vector<ReplyEvent>& events, std::string reason, std::string raw) {
  ReplyEvent event;
  event.kind = ReplyEvent::Kind::kError;
  event.text = std::move(reason);
  event.raw = std::move(raw);
  events.push_back(std::move(event));
  buffer_.clear();
  state_ = State::kFailed;
}

bool ReplyStreamParser::step_text(std::vector<ReplyEvent>& events, bool final) {
  const bool reasoning = state_ == State::kReasoning;
  const std::string_view end_marker = reasoning ? chat::kThinkEnd : chat::kEos;
  const std::size_t end_pos = buffer_.find(end_marker);
  const std::size_t tools_pos = buffer_.find(chat::kToolCallsStart);
  if (end_pos != std::string::npos && (tools_pos == std::string::npos || end_pos < tools_pos)) {
    emit_text(events, std::string_view(buffer_).substr(0, end_pos));
    buffer_.erase(0, end_pos + end_marker.size());
    state_ = reasoning ? State::kContent : State::kDone;
    return true;
  }
  if (tools_pos != std::string::npos) {
    emit_text(events, std::string_view(buffer_).substr(0, tools_pos));
    if (reasoning) {
      fail(events, "tool calls inside the reasoning (missing </think>)", buffer_.substr(tools_pos));
      return true;
    }
    dsml_raw_ = std::string(chat::kToolCallsStart);
    buffer_.erase(0, tools_pos + chat::kToolCallsStart.size());
    state_ = State::kToolCalls;
    dsml_ = Dsml::kExpectInvokeOrClose;
    return true;
  }
  std::size_t keep = final ? 0
                           : std::max(partial_marker_suffix(buffer_, end_marker),
                                      partial_marker_suffix(buffer_, chat::kToolCallsStart));
  std::size_t emit = final ? buffer_.size() : utf8_complete_prefix(buffer_, buffer_.size() - keep);
  if (emit == 0) return false;
  emit_text(events, std::string_view(buffer_).substr(0, emit));
  buffer_.erase(0, emit);
  return false;  // everything available was consumed
}

bool ReplyStreamParser::step_dsml(std::vector<ReplyEvent>& events) {
  switch (dsml_) {
    case Dsml::kExpectInvokeOrClose: {
      const int which = match_one_of(buffer_, {kInvokeNext, kCloseNext});
      if (which == -1) return false;
      if (which == -2) {
        fail(events, "tool call format error: expected an invoke or the end of the tool calls", dsml_raw_);
        return true;
      }
      buffer_.erase(0, which == 0 ? kInvokeNext.size() : kCloseNext.size());
      if (which == 0) {
        dsml_ = Dsml::kInvokeHeader;
      } else {
        state_ = State::kAfterToolCalls;
      }
      return true;
    }
    case Dsml::kInvokeHeader: {
      const std::size_t param = buffer_.find(chat::kParameterOpen);
      const std::size_t close = buffer_.find(chat::kInvokeClose);
      const std::size_t end = std::min(param, close);
      if (end == std::string::npos) {
        if (buffer_.size() > kMaxHeaderBytes) fail(events, "tool call name too long or unterminated", dsml_raw_);
        return state_ == State::kFailed;
      }
      if (!match_invoke_header(std::string_view(buffer_).substr(0, end), tool_name_)) {
        fail(events, "tool name format error", dsml_raw_);
        return true;
      }
      ReplyEvent start;
      start.kind = ReplyEvent::Kind::kToolCallStart;
      start.tool_index = tool_index_;
      start.name = tool_name_;
      events.push_back(std::move(start));
      arguments_.clear();
      parameter_names_.clear();
      emit_arguments(events, "{");
      if (end == param) {
        buffer_.erase(0, end + chat::kParameterOpen.size());
        dsml_ = Dsml::kParamHeader;
      } else {
        buffer_.erase(0, end + chat::kInvokeClose.size());
        emit_arguments(events, "}");
        ReplyEvent done;
        done.kind = ReplyEvent::Kind::kToolCallEnd;
        done.tool_index = tool_index_++;
        done.name = tool_name_;
        done.arguments = arguments_;
        events.push_back(std::move(done));
        dsml_ = Dsml::kExpectInvokeOrClose;
      }
      return true;
    }
    case Dsml::kParamHeader: {
      if (!starts_with(buffer_, kNamePrefix)) {
        if (starts_with(kNamePrefix, buffer_)) return false;
        fail(events, "parameter format error: expected ' name=\"...\"'", dsml_raw_);
        return true;
      }
      const std::size_t as_string = buffer_.find("\" string=\"true\">", kNamePrefix.size());
      const std::size_t as_json = buffer_.find("\" string=\"false\">", kNamePrefix.size());
      const std::size_t end = std::min(as_string, as_json);
      if (end == std::string::npos) {
        if (buffer_.size() > kMaxHeaderBytes || buffer_.find(chat::kParameterClose) != std::string::npos) {
          fail(events, "parameter format error: expected string=\"true\" or string=\"false\"", dsml_raw_);
          return true;
        }
        return false;
      }
      std::string name = buffer_.substr(kNamePrefix.size(), end - kNamePrefix.size());
      if (std::find(parameter_names_.begin(), parameter_names_.end(), name) != parameter_names_.end()) {
        fail(events, fmt::format("duplicate parameter name '{}'", name), dsml_raw_);
        return true;
      }
      value_is_string_ = end == as_string;
      value_raw_.clear();
      std::string header = parameter_names_.empty() ? "" : ", ";
      header += python_json_dumps(OrderedJson(name)) + ": " + (value_is_string_ ? "\"" : "");
      emit_arguments(events, header);
      parameter_names_.push_back(std::move(name));
      buffer_.erase(0, end + (value_is_string_ ? 16 : 17));
      dsml_ = Dsml::kParamValue;
      return true;
    }
    case Dsml::kParamValue: {
      const std::size_t close = buffer_.find(chat::kParameterClose);
      if (close == std::string::npos) {
        const std::size_t keep = partial_marker_suffix(buffer_, kParamEnd);
        const std::size_t emit = utf8_complete_prefix(buffer_, buffer_.size() - keep);
        emit_value(events, std::string_view(buffer_).substr(0, emit));
        buffer_.erase(0, emit);
        return false;
      }
      if (close == 0 || buffer_[close - 1] != '<') {
        fail(events, "parameter format error: value not closed by </｜DSML｜parameter>", dsml_raw_);
        return true;
      }
      emit_value(events, std::string_view(buffer_).substr(0, close - 1));
      buffer_.erase(0, close + chat::kParameterClose.size());
      if (value_is_string_) {
        emit_arguments(events, "\"");
      } else if (OrderedJson::accept(value_raw_) == false) {
        fail(events, fmt::format("parameter '{}' has string=\"false\" but its value is not JSON: {}",
                                 parameter_names_.back(), value_raw_), dsml_raw_);
        return true;
      }
      dsml_ = Dsml::kAfterParam;
      return true;
    }
    case Dsml::kAfterParam: {
      const int which = match_one_of(buffer_, {kParamNext, kInvokeCloseNext});
      if (which == -1) return false;
      if (which == -2) {
        fail(events, "parameter format error: expected '>\\n' and a parameter or the end of the invoke", dsml_raw_);
        return true;
      }
      if (which == 0) {
        buffer_.erase(0, kParamNext.size());
        dsml_ = Dsml::kParamHeader;
        return true;
      }
      buffer_.erase(0, kInvokeCloseNext.size());
      emit_arguments(events, "}");
      ReplyEvent done;
      done.kind = ReplyEvent::Kind::kToolCallEnd;
      done.tool_index = tool_index_++;
      done.name = tool_name_;
      done.arguments = arguments_;
      events.push_back(std::move(done));
      // What follows, ">\n" and the next invoke or the block end, is read as after an invoke.
      dsml_ = Dsml::kExpectInvokeOrClose;
      return true;
    }
  }
  return false;
}

bool ReplyStreamParser::step_after_tool_calls(std::vector<ReplyEvent>& events, bool final) {
  if (buffer_.empty()) return false;
  if (starts_with(buffer_, chat::kEos)) {
    buffer_.erase(0, chat::kEos.size());
    state_ = State::kDone;
    return true;
  }
  if (!final && starts_with(chat::kEos, buffer_)) return false;
  fail(events, "unexpected text after the tool calls", buffer_);
  return true;
}

void ReplyStreamParser::feed(std::string_view text, std::vector<ReplyEvent>& events) {
  if (state_ == State::kFinished) return;
  if (state_ == State::kFailed || state_ == State::kDone) {
    if (state_ == State::kDone && !text.empty()) {
      fail(events, "unexpected text after the end of the reply", std::string(text));
      return;
    }
    if (!text.empty()) {
      ReplyEvent event;
      event.kind = ReplyEvent::Kind::kContentDelta;
      event.text = text;
      events.push_back(std::move(event));
    }
    return;
  }
  buffer_ += text;
  if (state_ == State::kToolCalls || state_ == State::kAfterToolCalls) dsml_raw_ += text;
  bool progress = true;
  while (progress) {
    switch (state_) {
      case State::kReasoning:
      case State::kContent: {
        const bool was_content = state_ == State::kContent;
        progress = step_text(events, false);
        // Text that arrived with the marker belongs to the tool-call block's raw record.
        if (progress && was_content && state_ == State::kToolCalls) dsml_raw_ += buffer_;
        break;
      }
      case State::kToolCalls: progress = step_dsml(events); break;
      case State::kAfterToolCalls: progress = step_after_tool_calls(events, false); break;
      case State::kDone:
        if (!buffer_.empty()) fail(events, "unexpected text after the end of the reply", buffer_);
        progress = false;
        break;
      default: progress = false; break;
    }
  }
}

void ReplyStreamParser::finish(std::vector<ReplyEvent>& events) {
  if (state_ == State::kFinished) return;
  switch (state_) {
    case State::kReasoning:
      step_text(events, true);
      fail(events, "the reasoning was not closed by </think>", "");
      break;
    case State::kContent: step_text(events, true); break;
    case State::kToolCalls: fail(events, "the tool-call block was not closed", dsml_raw_); break;
    case State::kAfterToolCalls: step_after_tool_calls(events, true); break;
    default: break;
  }
  events.push_back(ReplyEvent{ReplyEvent::Kind::kEnd, {}, 0, {}, {}, {}});
  state_ = State::kFinished;
}

}  // namespace seek::engine
