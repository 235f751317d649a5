// Byte-level BPE: the vocabulary, the ranked merges and the merge loop, with a cache of
// whole pieces (source code repeats its words, so most pieces are cache hits).
#pragma once

#include <array>
#include <cstdint>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "base/result.h"

namespace seek::engine {

using TokenId = std::int32_t;

/// Heterogeneous string hashing, so lookups by string_view do not build a std::string.
struct StringHash {
  using is_transparent = void;
  std::size_t operator()(std::string_view s) const noexcept { return std::hash<std::string_view>{}(s); }
};
using StringToId = std::unordered_map<std::string, TokenId, StringHash, std::equal_to<>>;

class BpeModel {
 public:
  /// `vocab`: byte-level token string -> id. `merges`: pairs of token strings, best first.
  /// Every one of the 256 single-byte tokens must be in the vocabulary.
  static Result<BpeModel> build(StringToId vocab, const std::vector<std::pair<std::string, std::string>>& merges);

  BpeModel(BpeModel&& other) noexcept;
  BpeModel& operator=(BpeModel&& other) noexcept;

  /// Appends the ids of one pre-tokenized piece (raw bytes, before the byte-level mapping).
  void encode_piece(std::string_view piece, std::vector<TokenId>& out) const;

  const StringToId& vocab() const { return vocab_; }
  std::size_t merge_count() const { return merge_count_; }

  /// Drops the piece cache (tests and benchmarks use it to measure cold behaviour).
  void clear_cache() const;

 private:
  BpeModel() = default;

  struct MergeSlot {
    std::uint64_t key = kEmpty;  // (left id << 32) | right id
    std::uint32_t rank = 0;
    TokenId merged = 0;
  };
  static constexpr std::uint64_t kEmpty = ~0ULL;

  const MergeSlot* find_merge(TokenId left, TokenId right) const;
  void merge_symbols(std::vector<TokenId>& symbols) const;
  void merge_symbols_heap(std::vector<TokenId>& symbols) const;

  StringToId vocab_;
  std::array<TokenId, 256> byte_ids_{};
  std::vector<MergeSlot> merge_table_;  // open addressing, power-of-two size
  std::size_t merge_count_ = 0;

  // Piece cache: bytes -> span of cached_ids_. Bounded; cleared whole when full.
  struct CacheSpan {
    std::uint32_t offset;
    std::uint32_t length;
  };
  mutable std::mutex cache_mutex_;
  mutable std::unordered_map<std::string, CacheSpan, StringHash, std::equal_to<>> cache_;
  mutable std::vector<TokenId> cached_ids_;
};

}  // namespace seek::engine
