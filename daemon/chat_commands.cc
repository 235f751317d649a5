// `seek encode-chat` and `seek parse-reply` (contracts in docs/cli.md): the DeepSeek V4 chat
// encoder and reply parser over stdin/stdout, exactly as the official Python ones behave.
#include <fmt/format.h>

#include <cstdio>
#include <iostream>
#include <iterator>
#include <nlohmann/json.hpp>
#include <string>

#include "daemon/text_commands.h"
#include "engine/model/chat_encoding.h"
#include "engine/model/reply_parser.h"
#include "engine/model/tokenizer.h"
#include "engine/model/utf8.h"

namespace seek::daemon {
namespace {

int fail(const std::string& message) {
  std::fprintf(stderr, "seek: error: %s\n", message.c_str());
  return 1;
}

std::string read_all_stdin() {
  std::ios::sync_with_stdio(false);
  return std::string(std::istreambuf_iterator<char>(std::cin), std::istreambuf_iterator<char>());
}

bool write_stdout(std::string_view bytes) {
  return std::fwrite(bytes.data(), 1, bytes.size(), stdout) == bytes.size() && std::fflush(stdout) == 0;
}

engine::ThinkingMode thinking_mode_of(const std::string& name) {
  return name == "chat" ? engine::ThinkingMode::kChat : engine::ThinkingMode::kThinking;
}

}  // namespace

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
  encode.thinking_mode = thinking_mode_of(options.thinking_mode);
  if (options.reasoning_effort) {
    encode.reasoning_effort =
        *options.reasoning_effort == "max" ? engine::ReasoningEffort::kMax : engine::ReasoningEffort::kHigh;
  }
  encode.drop_thinking = !options.keep_thinking;
  encode.add_bos = !options.no_bos;
  auto prompt = engine::encode_chat(messages, encode);
  if (!prompt.ok()) return fail("cannot encode messages: " + prompt.error().message);
  if (!engine::is_valid_utf8(*prompt)) {
    // Only a lone surrogate from a \uD800-style escape gets here; Python fails to print it too.
    return fail("cannot encode messages: the prompt would contain a lone UTF-16 surrogate, which is not printable UTF-8");
  }
  if (!options.ids) return write_stdout(*prompt) ? 0 : fail("cannot write to stdout");

  auto tokenizer = engine::Tokenizer::load(options.tokenizer_path);
  if (!tokenizer.ok()) return fail(tokenizer.error().message);
  std::string out = "[";
  const auto ids = tokenizer->encode(*prompt);
  for (std::size_t i = 0; i < ids.size(); ++i) {
    if (i != 0) out.push_back(',');
    fmt::format_to(std::back_inserter(out), "{}", ids[i]);
  }
  out += "]\n";
  return write_stdout(out) ? 0 : fail("cannot write to stdout");
}

int run_parse_reply(const ParseReplyOptions& options) {
  const std::string text = read_all_stdin();
  if (!engine::is_valid_utf8(text)) {
    return fail(fmt::format("stdin is not valid UTF-8 (first bad byte at offset {})", engine::utf8_valid_prefix(text)));
  }
  auto reply = engine::parse_reply(text, thinking_mode_of(options.thinking_mode));
  if (!reply.ok()) return fail("cannot parse reply: " + reply.error().message);
  return write_stdout(engine::reply_to_json(*reply) + "\n") ? 0 : fail("cannot write to stdout");
}

}  // namespace seek::daemon
