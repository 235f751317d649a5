// Parsing a DeepSeek V4 completion (one assistant turn) back into reasoning, content and
// tool calls. parse_reply() matches the official `parse_message_from_completion_text` on
// every input: the same result where it succeeds, an error with its reason where it raises.
// ReplyStreamParser (reply_stream.h) does the same job incrementally for streaming.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "engine/chat/chat_encoding.h"

namespace seek::engine {

struct ParsedToolCall {
  std::string name;
  std::string arguments;  ///< JSON text, built the way the official decoder builds it
};

struct ParsedReply {
  std::string reasoning_content;  ///< "" in chat mode
  std::string content;
  std::vector<ParsedToolCall> tool_calls;
};

/// Parses a whole completion (including its EOS). Text must be valid UTF-8.
Result<ParsedReply> parse_reply(std::string_view text, ThinkingMode mode);

/// {"role":"assistant","reasoning_content","content","tool_calls":[{"type":"function",
/// "function":{"name","arguments"}}]} as JSON text.
std::string reply_to_json(const ParsedReply& reply);

/// DSML parameter forms shared with the streaming parser: the official header regexes.
/// Matches `^\s*name="(.*?)">\n$` (Python `re`, DOTALL) and returns the name.
bool match_invoke_header(std::string_view text, std::string& name);
/// Matches `^ name="(.*?)" string="(true|false)">(.*?)<$` (DOTALL).
bool match_parameter(std::string_view text, std::string& name, bool& is_string, std::string& value);

}  // namespace seek::engine
