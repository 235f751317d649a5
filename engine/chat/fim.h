// Fill-in-the-middle prompts for inline completion, in DeepSeek's PSM order:
//   [BOS] [repository context] <｜fim▁begin｜>{prefix}<｜fim▁hole｜>{suffix}<｜fim▁end｜>
// and the model writes the middle. The caller sets a token budget for each part; the prefix
// keeps its end (the text nearest the cursor), the suffix its start, and context snippets
// are taken whole in the caller's priority order while they fit. Cuts prefer line starts.
// File text is tokenized as plain text: special-token strings inside a file are never
// turned into control tokens.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "engine/tokenizer/tokenizer.h"

namespace seek::engine {

struct FimSnippet {
  std::string path;  ///< shown as a "# path" line before the text, as in DeepSeek-Coder's repo format
  std::string text;
};

struct FimRequest {
  std::string_view prefix;
  std::string_view suffix;
  std::vector<FimSnippet> context;  ///< most important first
  std::size_t max_prefix_tokens = 2048;
  std::size_t max_suffix_tokens = 512;
  std::size_t max_context_tokens = 0;
  bool add_bos = true;
};

struct FimPrompt {
  std::vector<TokenId> ids;
  std::size_t prefix_tokens = 0;
  std::size_t suffix_tokens = 0;
  std::size_t context_tokens = 0;
  std::size_t snippets_used = 0;
  bool prefix_truncated = false;
  bool suffix_truncated = false;
};

/// Builds the prompt. Fails only if the tokenizer lacks the FIM or BOS tokens.
Result<FimPrompt> build_fim_prompt(const Tokenizer& tokenizer, const FimRequest& request);

/// The prompt text for a request with no budgets applied (for logs and tests).
std::string fim_prompt_text(std::string_view prefix, std::string_view suffix, std::string_view context = {});

}  // namespace seek::engine
