// Chat-level generation, the interface the agent loop talks to: OpenAI-style messages and
// tools in; reasoning and content deltas, tool calls and usage out, streamed, cancellable.
// RemoteBackend implements it over HTTP for the DeepSeek API or any OpenAI-compatible
// server (vLLM, SGLang); the local engine will implement it with the V4 chat encoding.
#pragma once

#include <atomic>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "base/result.h"
#include "base/function_ref.h"

namespace seek::engine {

struct ChatRequest {
  std::string model;
  nlohmann::json messages = nlohmann::json::array();  ///< OpenAI chat format
  nlohmann::json tools = nlohmann::json::array();     ///< OpenAI function tools; empty: none
  std::optional<bool> thinking;                       ///< DeepSeek `thinking` on/off; unset: server default
  std::optional<std::string> reasoning_effort;        ///< "high" | "max" (DeepSeek), passed through
  std::optional<int> max_tokens;
  std::optional<double> temperature;
};

struct ChatUsage {
  std::int64_t prompt_tokens = 0, completion_tokens = 0, total_tokens = 0;
  std::int64_t cache_hit_tokens = 0, cache_miss_tokens = 0;  ///< DeepSeek's prompt_cache_hit/miss_tokens
};

struct ToolCall {
  std::string id, name, arguments;  ///< arguments: the JSON text the model wrote
};

struct ChatEvent {
  enum class Kind { kReasoningDelta, kContentDelta, kToolCallDelta };
  Kind kind = Kind::kContentDelta;
  std::string text;  ///< the delta (for tool calls: a piece of the arguments)
  int tool_index = 0;
  std::string tool_id, tool_name;  ///< set on a tool call's first delta
};

struct ChatResult {
  std::string reasoning, content;
  std::vector<ToolCall> tool_calls;
  ChatUsage usage;
  std::string finish_reason;  ///< "stop", "length", "tool_calls", ... or "cancelled"
  int attempts = 1;           ///< HTTP attempts (retries + 1)
};

class ChatGenerator {
 public:
  virtual ~ChatGenerator() = default;
  virtual std::string name() const = 0;
  virtual Result<ChatResult> chat(const ChatRequest& request, FunctionRef<void(const ChatEvent&)> sink,
                                  const std::atomic<bool>& cancel) = 0;
};

}  // namespace seek::engine
