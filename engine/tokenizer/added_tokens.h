// Added (special) tokens are found in raw text before any pre-tokenization, as HF tokenizers
// does: first the tokens marked `normalized: false`, then, in the text between those, the
// `normalized: true` ones. Each pass takes the leftmost match, the longest one at that
// position. (The V3/V4 normalizer is empty, so "normalized" text is the text itself.)
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "engine/tokenizer/bpe_model.h"

namespace seek::engine {

struct AddedToken {
  TokenId id = 0;
  std::string content;
  bool special = false;
  bool normalized = false;
};

/// A byte trie over token contents answering "longest token starting here".
class TokenTrie {
 public:
  void insert(std::string_view content, TokenId id);
  /// Length and id of the longest token that is a prefix of `text`; length 0 when none.
  std::pair<std::size_t, TokenId> longest_prefix(std::string_view text) const;
  bool starts_token(unsigned char byte) const { return first_bytes_[byte]; }
  bool empty() const { return nodes_.size() <= 1; }

 private:
  struct Node {
    std::vector<std::pair<unsigned char, std::uint32_t>> children;  // sorted by byte
    TokenId id = -1;
  };
  std::vector<Node> nodes_{Node{}};
  bool first_bytes_[256] = {};
};

/// One segment of text after added-token extraction: either a token or plain text.
struct TextSegment {
  std::string_view text;
  TokenId added_id = -1;  // >= 0: this segment is that added token
};

class AddedTokenMatcher {
 public:
  void add(const AddedToken& token);
  /// Splits `text` into plain segments and added-token segments, in order.
  void split(std::string_view text, std::vector<TextSegment>& out) const;

 private:
  static void split_with(const TokenTrie& trie, std::string_view text, std::vector<TextSegment>& out);
  TokenTrie raw_;         // normalized: false
  TokenTrie normalized_;  // normalized: true
};

}  // namespace seek::engine
