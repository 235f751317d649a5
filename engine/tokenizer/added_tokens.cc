// Added-token extraction (see added_tokens.h).
#include "engine/tokenizer/added_tokens.h"

#include <algorithm>

namespace seek::engine {

void TokenTrie::insert(std::string_view content, TokenId id) {
  if (content.empty()) return;
  first_bytes_[static_cast<unsigned char>(content[0])] = true;
  std::uint32_t node = 0;
  for (char c : content) {
    const auto byte = static_cast<unsigned char>(c);
    auto& children = nodes_[node].children;
    auto it = std::lower_bound(children.begin(), children.end(), byte,
                               [](const auto& child, unsigned char b) { return child.first < b; });
    if (it != children.end() && it->first == byte) {
      node = it->second;
      continue;
    }
    const auto child = static_cast<std::uint32_t>(nodes_.size());
    children.insert(it, {byte, child});
    nodes_.emplace_back();
    node = child;
  }
  nodes_[node].id = id;
}

std::pair<std::size_t, TokenId> TokenTrie::longest_prefix(std::string_view text) const {
  std::pair<std::size_t, TokenId> best{0, -1};
  std::uint32_t node = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const auto byte = static_cast<unsigned char>(text[i]);
    const auto& children = nodes_[node].children;
    auto it = std::lower_bound(children.begin(), children.end(), byte,
                               [](const auto& child, unsigned char b) { return child.first < b; });
    if (it == children.end() || it->first != byte) break;
    node = it->second;
    if (nodes_[node].id >= 0) best = {i + 1, nodes_[node].id};
  }
  return best;
}

void AddedTokenMatcher::add(const AddedToken& token) {
  (token.normalized ? normalized_ : raw_).insert(token.content, token.id);
}

void AddedTokenMatcher::split_with(const TokenTrie& trie, std::string_view text,
                                   std::vector<TextSegment>& out) {
  if (trie.empty()) {
    if (!text.empty()) out.push_back({text, -1});
    return;
  }
  std::size_t plain_start = 0;
  std::size_t i = 0;
  while (i < text.size()) {
    if (!trie.starts_token(static_cast<unsigned char>(text[i]))) {
      ++i;
      continue;
    }
    const auto [length, id] = trie.longest_prefix(text.substr(i));
    if (length == 0) {
      ++i;
      continue;
    }
    if (i > plain_start) out.push_back({text.substr(plain_start, i - plain_start), -1});
    out.push_back({text.substr(i, length), id});
    i += length;
    plain_start = i;
  }
  if (plain_start < text.size()) out.push_back({text.substr(plain_start), -1});
}

void AddedTokenMatcher::split(std::string_view text, std::vector<TextSegment>& out) const {
  out.clear();
  thread_local std::vector<TextSegment> first_pass;
  first_pass.clear();
  split_with(raw_, text, first_pass);
  for (const TextSegment& segment : first_pass) {
    if (segment.added_id >= 0) {
      out.push_back(segment);
    } else {
      split_with(normalized_, segment.text, out);
    }
  }
}

}  // namespace seek::engine
