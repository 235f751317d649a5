// LocalChatGenerator (see local_chat.h).
#include "engine/runtime/local_chat.h"

#include <fmt/format.h>

#include "engine/chat/chat_encoding.h"
#include "engine/chat/chat_format.h"
#include "engine/chat/py_json.h"
#include "engine/chat/reply_parser.h"
#include "engine/chat/reply_stream.h"

namespace seek::engine {
namespace {

// `text` with every invalid UTF-8 sequence replaced by U+FFFD.
std::string valid_utf8(const std::string& text) {
  const std::string quoted = nlohmann::json(text).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  return nlohmann::json::parse(quoted).get<std::string>();
}

}  // namespace

Result<ChatResult> LocalChatGenerator::chat(const ChatRequest& request, FunctionRef<void(const ChatEvent&)> sink,
                                          const std::atomic<bool>& cancel) {
  // OpenAI messages -> the official encoder's input: the same shapes, tools on the system
  // message (one is added when the conversation has none).
  OrderedJson messages = OrderedJson::parse(request.messages.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
  if (!request.tools.empty()) {
    if (messages.empty() || messages[0].value("role", "") != "system") {
      messages.insert(messages.begin(), OrderedJson{{"role", "system"}, {"content", ""}});
    }
    messages[0]["tools"] = OrderedJson::parse(request.tools.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
  }
  ChatEncodeOptions options;
  options.thinking_mode = request.thinking.value_or(true) ? ThinkingMode::kThinking : ThinkingMode::kChat;
  if (request.reasoning_effort == "max") options.reasoning_effort = ReasoningEffort::kMax;
  if (request.reasoning_effort == "high") options.reasoning_effort = ReasoningEffort::kHigh;
  SEEK_ASSIGN_OR_RETURN(std::string prompt, encode_chat(messages, options));

  GenerateRequest generate;
  generate.prompt = engine_->tokenizer().encode(prompt);
  generate.max_tokens = request.max_tokens.value_or(max_tokens_);
  // Tokens stream through the incremental parser as they come: reasoning and content
  // deltas reach the sink at once. The result itself comes from the whole-text parser
  // below (the official semantics); the stream is for watching.
  std::vector<TokenId> tokens;
  ReplyStreamParser stream(options.thinking_mode);
  std::vector<ReplyEvent> parsed_events;
  const auto forward = [&] {
    for (const ReplyEvent& e : parsed_events) {
      if (e.kind == ReplyEvent::Kind::kReasoningDelta && !e.text.empty()) {
        sink(ChatEvent{ChatEvent::Kind::kReasoningDelta, valid_utf8(e.text), 0, {}, {}});
      } else if (e.kind == ReplyEvent::Kind::kContentDelta && !e.text.empty()) {
        sink(ChatEvent{ChatEvent::Kind::kContentDelta, valid_utf8(e.text), 0, {}, {}});
      }
    }
    parsed_events.clear();
  };
  SEEK_ASSIGN_OR_RETURN(GenerateStats stats, engine_->submit(generate,
                                                             [&](const GenerateEvent& e) {
                                                               if (e.kind != GenerateEvent::Kind::kToken) return;
                                                               tokens.push_back(e.token);
                                                               const auto bytes = engine_->tokenizer().token_bytes(e.token);
                                                               if (bytes.empty()) return;
                                                               stream.feed(bytes, parsed_events);
                                                               forward();
                                                             },
                                                             cancel));
  stream.finish(parsed_events);
  forward();
  ChatResult result;
  result.usage.prompt_tokens = stats.prompt_tokens;
  result.usage.completion_tokens = stats.generated;
  result.usage.total_tokens = stats.prompt_tokens + stats.generated;
  result.usage.cache_hit_tokens = stats.reused_tokens;
  result.usage.cache_miss_tokens = stats.prompt_tokens - stats.reused_tokens;
  if (stats.cancelled) {
    result.finish_reason = "cancelled";
    return result;
  }
  // Ids the tokenizer lacks (padding rows of the head) carry no text.
  std::vector<TokenId> known;
  for (TokenId id : tokens) {
    if (!engine_->tokenizer().token_bytes(id).empty()) known.push_back(id);
  }
  SEEK_ASSIGN_OR_RETURN(std::string text, engine_->tokenizer().decode(known));
  text = valid_utf8(text);  // a generation may stop inside a character, or never form one
  if (stats.finish == "eos") text += chat::kEos;
  auto parsed = parse_reply(text, options.thinking_mode);
  if (!parsed.ok()) {
    // Not a well-formed reply (a length cut, or a confused model): its text comes back as
    // content, so the loop can tell the model; the loop counts it as malformed.
    result.content = text;
    result.finish_reason = stats.finish == "length" ? "length" : "malformed";
  } else {
    result.reasoning = parsed->reasoning_content;
    result.content = parsed->content;
    for (std::size_t i = 0; i < parsed->tool_calls.size(); ++i) {
      result.tool_calls.push_back({fmt::format("call_{}", i), parsed->tool_calls[i].name, parsed->tool_calls[i].arguments});
    }
    result.finish_reason = result.tool_calls.empty() ? (stats.finish == "length" ? "length" : "stop") : "tool_calls";
  }
  return result;
}

}  // namespace seek::engine
