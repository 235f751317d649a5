// Incremental parsing of a DeepSeek V4 reply while it streams: fed token texts as they
// arrive, it emits reasoning and content deltas, tool-call start / argument deltas / end,
// errors and the end. The argument deltas of one call concatenate to exactly the arguments
// string that parse_reply() would return for it.
//
// It is stricter than the official parser in one way: a `string="false"` value must be valid
// JSON. On malformed output (unclosed tags, an unknown parameter form, bad JSON, text after
// the tool calls) it emits one kError carrying the raw text of the tool-call block or of the
// offending text; nothing is dropped: any text after an error arrives as content deltas.
// Deltas never split a UTF-8 character.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "engine/chat/chat_encoding.h"

namespace seek::engine {

struct ReplyEvent {
  enum class Kind {
    kReasoningDelta,
    kContentDelta,
    kToolCallStart,           ///< tool_index, name
    kToolCallArgumentsDelta,  ///< tool_index, text
    kToolCallEnd,             ///< tool_index, name, arguments (the whole JSON string)
    kError,                   ///< text = reason, raw = the text that could not be parsed
    kEnd,
  };
  Kind kind = Kind::kEnd;
  std::string text;
  std::size_t tool_index = 0;
  std::string name;
  std::string arguments;
  std::string raw;
};

class ReplyStreamParser {
 public:
  explicit ReplyStreamParser(ThinkingMode mode);

  /// Consumes more completion text and appends the events it completes.
  void feed(std::string_view text, std::vector<ReplyEvent>& events);
  /// The stream ended: flushes held-back text, reports what is left unclosed, emits kEnd.
  void finish(std::vector<ReplyEvent>& events);

  /// True once the end-of-sentence token has been seen.
  bool saw_eos() const { return state_ == State::kDone; }
  bool failed() const { return state_ == State::kFailed; }

 private:
  enum class State { kReasoning, kContent, kToolCalls, kAfterToolCalls, kDone, kFailed, kFinished };
  enum class Dsml { kExpectInvokeOrClose, kInvokeHeader, kParamHeader, kParamValue, kAfterParam };

  // Each step consumes from buffer_ and returns true if it made progress.
  bool step_text(std::vector<ReplyEvent>& events, bool final);
  bool step_dsml(std::vector<ReplyEvent>& events);
  bool step_after_tool_calls(std::vector<ReplyEvent>& events, bool final);
  void fail(std::vector<ReplyEvent>& events, std::string reason, std::string raw);
  void emit_text(std::vector<ReplyEvent>& events, std::string_view text);
  void emit_arguments(std::vector<ReplyEvent>& events, std::string_view text);
  void emit_value(std::vector<ReplyEvent>& events, std::string_view raw_value);

  State state_;
  Dsml dsml_ = Dsml::kExpectInvokeOrClose;
  std::string buffer_;     // fed, not yet consumed
  std::string dsml_raw_;   // the whole tool-call block so far, for error reports

  // The tool call being parsed.
  std::size_t tool_index_ = 0;
  std::string tool_name_;
  std::string arguments_;
  std::vector<std::string> parameter_names_;
  bool value_is_string_ = false;
  std::string value_raw_;  // string="false" value, validated at its end
};

}  // namespace seek::engine
