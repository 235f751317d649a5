// The local engine as a chat backend: OpenAI-style messages and tools are encoded in the
// official V4 chat format (tools attached to the system message, as encode_messages takes
// them), generated greedily by a TokenGenerator (LocalEngine), and the completion is parsed back
// with the official reply semantics: reasoning, content and DSML tool calls.
// Reasoning and content stream token by token through ReplyStreamParser; the returned
// result comes from the whole-text parser (the official semantics).
#pragma once

#include <memory>

#include "engine/chat/chat_generator.h"
#include "engine/runtime/token_generator.h"

namespace seek::engine {

class LocalChatGenerator final : public ChatGenerator {
 public:
  /// `engine` may be shared (the daemon's sessions share one model); it serialises requests.
  explicit LocalChatGenerator(std::shared_ptr<TokenGenerator> engine, int max_tokens = 2048)
      : engine_(std::move(engine)), max_tokens_(max_tokens) {}
  std::string name() const override { return "local:" + engine_->name(); }
  Result<ChatResult> chat(const ChatRequest& request, FunctionRef<void(const ChatEvent&)> sink,
                          const std::atomic<bool>& cancel) override;

 private:
  std::shared_ptr<TokenGenerator> engine_;
  int max_tokens_;
};

}  // namespace seek::engine
