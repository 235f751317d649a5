// The text subcommands that need no daemon: `seek tokenize`, `seek detokenize`,
// `seek encode-chat` and `seek parse-reply`. Each reads stdin, writes stdout, and returns
// the exit code: 0 ok, 1 bad input or a failure (message on stderr).
#pragma once

#include <optional>
#include <string>

namespace seek::daemon {

struct TokenizeOptions {
  std::string tokenizer_path;
  bool jsonl = false;
};
int run_tokenize(const TokenizeOptions& options);
int run_detokenize(const TokenizeOptions& options);

struct EncodeChatOptions {
  std::string thinking_mode;                    // "chat" | "thinking"
  std::optional<std::string> reasoning_effort;  // "high" | "max"
  bool keep_thinking = false;
  bool no_bos = false;
  bool ids = false;
  std::string tokenizer_path;                   // required with ids
};
int run_encode_chat(const EncodeChatOptions& options);

struct ParseReplyOptions {
  std::string thinking_mode;
};
int run_parse_reply(const ParseReplyOptions& options);

}  // namespace seek::daemon
