// DeepSeek V4 chat encoding: messages -> prompt text, byte-identical to the official
// `encode_messages` of encoding_dsv4.py (April V4-Flash release). Messages use the official
// encoder's format (OpenAI-style, tools attached to a system or developer message, `tool`
// messages with tool_call_id, optional `task`, `wo_eos`, `response_format`). Where the
// official code raises, encode_chat returns an error saying what the Python would reject.
#pragma once

#include <optional>
#include <string>

#include "base/result.h"
#include "engine/chat/py_json.h"

namespace seek::engine {

enum class ThinkingMode { kChat, kThinking };
enum class ReasoningEffort { kHigh, kMax };

struct ChatEncodeOptions {
  ThinkingMode thinking_mode = ThinkingMode::kThinking;
  std::optional<ReasoningEffort> reasoning_effort;
  /// Drop reasoning of assistant turns before the last user message (turned off by the
  /// encoder itself when any message defines tools).
  bool drop_thinking = true;
  bool add_bos = true;
};

/// Encodes a JSON array of messages.
Result<std::string> encode_chat(const OrderedJson& messages, const ChatEncodeOptions& options);

}  // namespace seek::engine
