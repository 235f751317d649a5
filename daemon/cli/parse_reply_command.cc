// `seek parse-reply` (contract in docs/tokenizer-and-chat.md): a model completion on stdin,
// {role, reasoning_content, content, tool_calls} out, as the official parser reads it.
#include <fmt/format.h>

#include "base/utf8.h"
#include "daemon/cli/commands.h"
#include "daemon/cli/text_io.h"
#include "engine/chat/reply_parser.h"

namespace seek::daemon {

using namespace text_io;

int run_parse_reply(const ParseReplyOptions& options) {
  const std::string text = read_all_stdin();
  if (!seek::is_valid_utf8(text)) {
    return fail(fmt::format("stdin is not valid UTF-8 (first bad byte at offset {})", seek::utf8_valid_prefix(text)));
  }
  auto reply = engine::parse_reply(text, options.thinking_mode == "chat" ? engine::ThinkingMode::kChat : engine::ThinkingMode::kThinking);
  if (!reply.ok()) return fail("cannot parse reply: " + reply.error().message);
  return write_stdout(engine::reply_to_json(*reply) + "\n") && std::fflush(stdout) == 0 ? 0 : fail("cannot write to stdout");
}

}  // namespace seek::daemon
