// FIM prompt assembly with per-part token budgets (see fim.h).
#include "engine/chat/fim.h"

#include <fmt/format.h>

#include "engine/chat/chat_format.h"

namespace seek::engine {
namespace {

// Bytes of text looked at per budgeted token. Source code averages 3-4 bytes per token;
// the window is widened when it turns out too small.
constexpr std::size_t kBytesPerTokenGuess = 6;

bool ends_line(const Tokenizer& tokenizer, TokenId id) {
  const std::string_view bytes = tokenizer.token_bytes(id);
  return !bytes.empty() && bytes.back() == '\n';
}

// The last `budget` tokens of `text`, starting at a line start when one is close enough.
std::vector<TokenId> tail_tokens(const Tokenizer& tokenizer, std::string_view text, std::size_t budget,
                                 bool& truncated) {
  std::vector<TokenId> ids;
  truncated = false;
  if (budget == 0) {
    truncated = !text.empty();
    return ids;
  }
  for (std::size_t window = budget * kBytesPerTokenGuess;; window *= 2) {
    std::string_view part = text;
    if (window < text.size()) {
      part = text.substr(text.size() - window);
      // Start on a line boundary so the first tokens are the ones a whole file would give.
      if (auto newline = part.find('\n'); newline != std::string_view::npos && newline + 1 < part.size()) {
        part.remove_prefix(newline + 1);
      }
    }
    ids.clear();
    tokenizer.encode_plain_into(part, ids);
    if (ids.size() >= budget || part.size() == text.size()) {
      truncated = part.size() != text.size() || ids.size() > budget;
      break;
    }
  }
  if (ids.size() > budget) {
    std::size_t cut = ids.size() - budget;
    // Move the cut forward to the first line start, unless that loses over a quarter.
    for (std::size_t i = cut; i < ids.size() && i < cut + budget / 4; ++i) {
      if (i > 0 && ends_line(tokenizer, ids[i - 1])) {
        cut = i;
        break;
      }
    }
    ids.erase(ids.begin(), ids.begin() + static_cast<std::ptrdiff_t>(cut));
  }
  return ids;
}

// The first `budget` tokens of `text`, ending at a line end when one is close enough.
std::vector<TokenId> head_tokens(const Tokenizer& tokenizer, std::string_view text, std::size_t budget,
                                 bool& truncated) {
  std::vector<TokenId> ids;
  truncated = false;
  if (budget == 0) {
    truncated = !text.empty();
    return ids;
  }
  for (std::size_t window = budget * kBytesPerTokenGuess;; window *= 2) {
    std::string_view part = text.substr(0, std::min(window, text.size()));
    if (part.size() < text.size()) {
      if (auto newline = part.rfind('\n'); newline != std::string_view::npos && newline > 0) {
        part = part.substr(0, newline + 1);
      }
    }
    ids.clear();
    tokenizer.encode_plain_into(part, ids);
    if (ids.size() >= budget || part.size() == text.size()) {
      truncated = part.size() != text.size() || ids.size() > budget;
      break;
    }
  }
  if (ids.size() > budget) {
    std::size_t keep = budget;
    for (std::size_t i = budget; i > budget - budget / 4 && i > 0; --i) {
      if (ends_line(tokenizer, ids[i - 1])) {
        keep = i;
        break;
      }
    }
    ids.resize(keep);
  }
  return ids;
}

Result<TokenId> require_token(const Tokenizer& tokenizer, std::string_view token) {
  if (auto id = tokenizer.token_to_id(token)) return *id;
  return make_error(ErrorCode::kNotFound, fmt::format("the tokenizer has no '{}' token, needed for FIM", token));
}

}  // namespace

Result<FimPrompt> build_fim_prompt(const Tokenizer& tokenizer, const FimRequest& request) {
  SEEK_ASSIGN_OR_RETURN(const TokenId begin, require_token(tokenizer, chat::kFimBegin));
  SEEK_ASSIGN_OR_RETURN(const TokenId hole, require_token(tokenizer, chat::kFimHole));
  SEEK_ASSIGN_OR_RETURN(const TokenId end, require_token(tokenizer, chat::kFimEnd));
  FimPrompt prompt;
  if (request.add_bos) {
    SEEK_ASSIGN_OR_RETURN(const TokenId bos, require_token(tokenizer, chat::kBos));
    prompt.ids.push_back(bos);
  }

  std::size_t context_left = request.max_context_tokens;
  std::vector<TokenId> snippet_ids;
  for (const FimSnippet& snippet : request.context) {
    if (context_left == 0) break;
    snippet_ids.clear();
    tokenizer.encode_plain_into(fmt::format("# {}\n", snippet.path), snippet_ids);
    const std::size_t header = snippet_ids.size();
    if (header >= context_left) break;
    bool truncated = false;
    std::string body = snippet.text;
    if (body.empty() || body.back() != '\n') body.push_back('\n');
    std::vector<TokenId> body_ids = head_tokens(tokenizer, body, context_left - header, truncated);
    // A cut-off snippet is only worth its tokens when a useful part of it fits.
    if (truncated && body_ids.size() < 32) break;
    snippet_ids.insert(snippet_ids.end(), body_ids.begin(), body_ids.end());
    prompt.ids.insert(prompt.ids.end(), snippet_ids.begin(), snippet_ids.end());
    prompt.context_tokens += snippet_ids.size();
    context_left -= snippet_ids.size();
    ++prompt.snippets_used;
    if (truncated) break;
  }

  prompt.ids.push_back(begin);
  std::vector<TokenId> prefix_ids = tail_tokens(tokenizer, request.prefix, request.max_prefix_tokens,
                                                prompt.prefix_truncated);
  prompt.prefix_tokens = prefix_ids.size();
  prompt.ids.insert(prompt.ids.end(), prefix_ids.begin(), prefix_ids.end());
  prompt.ids.push_back(hole);
  std::vector<TokenId> suffix_ids = head_tokens(tokenizer, request.suffix, request.max_suffix_tokens,
                                                prompt.suffix_truncated);
  prompt.suffix_tokens = suffix_ids.size();
  prompt.ids.insert(prompt.ids.end(), suffix_ids.begin(), suffix_ids.end());
  prompt.ids.push_back(end);
  return prompt;
}

std::string fim_prompt_text(std::string_view prefix, std::string_view suffix, std::string_view context) {
  std::string text(context);
  text += chat::kFimBegin;
  text += prefix;
  text += chat::kFimHole;
  text += suffix;
  text += chat::kFimEnd;
  return text;
}

}  // namespace seek::engine
