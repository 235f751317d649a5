// `seek encode-chat` (contract in docs/tokenizer-and-chat.md): the DeepSeek V4 chat encoder
// over stdin/stdout, exactly as the official Python one behaves.
#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include "base/utf8.h"
#include "daemon/cli/commands.h"
#include "daemon/cli/text_io.h"
#include "engine/chat/chat_encoding.h"

namespace seek::daemon {

using namespace text_io;

int run_encode_chat(const EncodeChatOptions& options) {
  const std::string input = read_all_stdin();
  // Parsed as Python's json.loads would (exact big integers, NaN), since values are echoed.
  // 499 levels: deeper fields make the official encoder's copy.deepcopy hit Python's
  // recursion limit.
  std::optional<engine::OrderedJson> parsed = engine::python_json_loads(input, 499);
  if (!parsed) return fail("stdin is not valid JSON (expected a JSON array of messages)");
  engine::OrderedJson messages = std::move(*parsed);
  // The official golden files wrap the list as {"messages": [...], "tools": [...]}, with the
  // tools belonging to the first message; accept that form too.
  if (messages.is_object() && messages.contains("messages")) {
    engine::OrderedJson wrapped = std::move(messages);
    messages = wrapped["messages"];
    if (wrapped.contains("tools") && messages.is_array() && !messages.empty() && messages[0].is_object()) {
      messages[0]["tools"] = wrapped["tools"];
    }
  }
  engine::ChatEncodeOptions encode;
  encode.thinking_mode = options.thinking_mode == "chat" ? engine::ThinkingMode::kChat : engine::ThinkingMode::kThinking;
  if (options.reasoning_effort) {
    encode.reasoning_effort =
        *options.reasoning_effort == "max" ? engine::ReasoningEffort::kMax : engine::ReasoningEffort::kHigh;
  }
  encode.drop_thinking = !options.keep_thinking;
  encode.add_bos = !options.no_bos;
  auto prompt = engine::encode_chat(messages, encode);
  if (!prompt.ok()) return fail("cannot encode messages: " + prompt.error().message);
  if (!seek::is_valid_utf8(*prompt)) {
    // Only a lone surrogate from a \uD800-style escape gets here; Python fails to print it too.
    return fail("cannot encode messages: the prompt would contain a lone UTF-16 surrogate, which is not printable UTF-8");
  }
  if (!options.ids) return write_stdout(*prompt) && std::fflush(stdout) == 0 ? 0 : fail("cannot write to stdout");

  auto tokenizer = engine::Tokenizer::load(options.tokenizer_path);
  if (!tokenizer.ok()) return fail(tokenizer.error().message);
  std::string out = "[";
  const auto ids = tokenizer->encode(*prompt);
  for (std::size_t i = 0; i < ids.size(); ++i) {
    if (i != 0) out.push_back(',');
    fmt::format_to(std::back_inserter(out), "{}", ids[i]);
  }
  out += "]\n";
  return write_stdout(out) && std::fflush(stdout) == 0 ? 0 : fail("cannot write to stdout");
}

}  // namespace seek::daemon
