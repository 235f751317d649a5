// BPE merge loop and piece cache (see bpe_model.h). Semantics follow HF tokenizers' BPE
// without dropout: repeatedly merge the adjacent pair with the lowest merge rank, the
// leftmost one among equals, until no adjacent pair has a merge.
#include "engine/tokenizer/bpe_model.h"

#include <fmt/format.h>

#include <bit>
#include <queue>

#include "engine/tokenizer/byte_level.h"

namespace seek::engine {
namespace {

constexpr std::size_t kMaxCachedPieceBytes = 256;
constexpr std::size_t kMaxCacheEntries = 1 << 18;
// Pieces up to this many symbols use the quadratic scan, which beats a heap on short words.
constexpr std::size_t kScanLimit = 48;

std::uint64_t pair_key(TokenId left, TokenId right) {
  return (static_cast<std::uint64_t>(static_cast<std::uint32_t>(left)) << 32) |
         static_cast<std::uint32_t>(right);
}

std::size_t mix(std::uint64_t key) {
  key ^= key >> 33;
  key *= 0xff51afd7ed558ccdULL;
  key ^= key >> 33;
  return static_cast<std::size_t>(key);
}

}  // namespace

BpeModel::BpeModel(BpeModel&& other) noexcept
    : vocab_(std::move(other.vocab_)),
      byte_ids_(other.byte_ids_),
      merge_table_(std::move(other.merge_table_)),
      merge_count_(other.merge_count_),
      cache_(std::move(other.cache_)),
      cached_ids_(std::move(other.cached_ids_)) {}

BpeModel& BpeModel::operator=(BpeModel&& other) noexcept {
  vocab_ = std::move(other.vocab_);
  byte_ids_ = other.byte_ids_;
  merge_table_ = std::move(other.merge_table_);
  merge_count_ = other.merge_count_;
  cache_ = std::move(other.cache_);
  cached_ids_ = std::move(other.cached_ids_);
  return *this;
}

Result<BpeModel> BpeModel::build(StringToId vocab,
                                 const std::vector<std::pair<std::string, std::string>>& merges) {
  BpeModel model;
  model.vocab_ = std::move(vocab);
  const auto& byte_strings = byte_level_strings();
  for (int b = 0; b < 256; ++b) {
    auto it = model.vocab_.find(byte_strings[b]);
    if (it == model.vocab_.end()) {
      return make_error(ErrorCode::kCorrupt,
                        fmt::format("BPE vocabulary lacks the byte-level token for byte 0x{:02X}", b));
    }
    model.byte_ids_[b] = it->second;
  }
  const std::size_t capacity = std::bit_ceil(std::max<std::size_t>(16, merges.size() * 2));
  model.merge_table_.assign(capacity, MergeSlot{});
  std::string joined;
  for (std::size_t rank = 0; rank < merges.size(); ++rank) {
    const auto& [left, right] = merges[rank];
    auto left_it = model.vocab_.find(left);
    auto right_it = model.vocab_.find(right);
    joined.assign(left).append(right);
    auto merged_it = model.vocab_.find(joined);
    if (left_it == model.vocab_.end() || right_it == model.vocab_.end() || merged_it == model.vocab_.end()) {
      return make_error(ErrorCode::kCorrupt,
                        fmt::format("BPE merge #{} '{} {}' uses a token missing from the vocabulary",
                                    rank, left, right));
    }
    const std::uint64_t key = pair_key(left_it->second, right_it->second);
    std::size_t slot = mix(key) & (capacity - 1);
    while (model.merge_table_[slot].key != kEmpty && model.merge_table_[slot].key != key) {
      slot = (slot + 1) & (capacity - 1);
    }
    // A repeated pair keeps its first (best) rank, as HF does when it builds its map.
    if (model.merge_table_[slot].key == key) continue;
    model.merge_table_[slot] = MergeSlot{key, static_cast<std::uint32_t>(rank), merged_it->second};
    ++model.merge_count_;
  }
  return model;
}

const BpeModel::MergeSlot* BpeModel::find_merge(TokenId left, TokenId right) const {
  const std::uint64_t key = pair_key(left, right);
  const std::size_t mask = merge_table_.size() - 1;
  for (std::size_t slot = mix(key) & mask;; slot = (slot + 1) & mask) {
    const MergeSlot& entry = merge_table_[slot];
    if (entry.key == key) return &entry;
    if (entry.key == kEmpty) return nullptr;
  }
}

void BpeModel::merge_symbols(std::vector<TokenId>& symbols) const {
  if (symbols.size() > kScanLimit) {
    merge_symbols_heap(symbols);
    return;
  }
  while (symbols.size() > 1) {
    std::uint32_t best_rank = UINT32_MAX;
    std::size_t best_index = 0;
    TokenId best_merged = 0;
    for (std::size_t i = 0; i + 1 < symbols.size(); ++i) {
      const MergeSlot* merge = find_merge(symbols[i], symbols[i + 1]);
      if (merge != nullptr && merge->rank < best_rank) {
        best_rank = merge->rank;
        best_index = i;
        best_merged = merge->merged;
      }
    }
    if (best_rank == UINT32_MAX) break;
    symbols[best_index] = best_merged;
    symbols.erase(symbols.begin() + static_cast<std::ptrdiff_t>(best_index) + 1);
  }
}

// The same merge order for long pieces (e.g. a run of 10k spaces) in O(n log n): a heap of
// candidate pairs ordered by (rank, position), with stale entries skipped when popped.
void BpeModel::merge_symbols_heap(std::vector<TokenId>& symbols) const {
  const std::size_t n = symbols.size();
  std::vector<std::int64_t> prev(n), next(n);
  std::vector<bool> alive(n, true);
  for (std::size_t i = 0; i < n; ++i) {
    prev[i] = static_cast<std::int64_t>(i) - 1;
    next[i] = i + 1 < n ? static_cast<std::int64_t>(i + 1) : -1;
  }
  struct Candidate {
    std::uint32_t rank;
    std::size_t position;
    TokenId merged;
    bool operator>(const Candidate& other) const {
      return rank != other.rank ? rank > other.rank : position > other.position;
    }
  };
  std::priority_queue<Candidate, std::vector<Candidate>, std::greater<>> heap;
  const auto push_pair = [&](std::size_t left) {
    if (next[left] < 0) return;
    if (const MergeSlot* merge = find_merge(symbols[left], symbols[static_cast<std::size_t>(next[left])])) {
      heap.push(Candidate{merge->rank, left, merge->merged});
    }
  };
  for (std::size_t i = 0; i + 1 < n; ++i) push_pair(i);
  while (!heap.empty()) {
    const Candidate top = heap.top();
    heap.pop();
    const std::size_t left = top.position;
    if (!alive[left] || next[left] < 0) continue;
    const auto right = static_cast<std::size_t>(next[left]);
    const MergeSlot* current = find_merge(symbols[left], symbols[right]);
    if (current == nullptr || current->merged != top.merged || current->rank != top.rank) continue;
    symbols[left] = top.merged;
    alive[right] = false;
    next[left] = next[right];
    if (next[right] >= 0) prev[static_cast<std::size_t>(next[right])] = static_cast<std::int64_t>(left);
    if (prev[left] >= 0) push_pair(static_cast<std::size_t>(prev[left]));
    push_pair(left);
  }
  std::size_t write = 0;
  for (std::size_t i = 0; i < n; ++i) {
    if (alive[i]) symbols[write++] = symbols[i];
  }
  symbols.resize(write);
}

void BpeModel::encode_piece(std::string_view piece, std::vector<TokenId>& out) const {
  if (piece.empty()) return;
  const bool cacheable = piece.size() <= kMaxCachedPieceBytes;
  if (cacheable) {
    std::lock_guard lock(cache_mutex_);
    if (auto it = cache_.find(piece); it != cache_.end()) {
      const auto first = cached_ids_.begin() + it->second.offset;
      out.insert(out.end(), first, first + it->second.length);
      return;
    }
  }
  thread_local std::vector<TokenId> symbols;
  symbols.clear();
  for (char c : piece) symbols.push_back(byte_ids_[static_cast<unsigned char>(c)]);
  merge_symbols(symbols);
  out.insert(out.end(), symbols.begin(), symbols.end());
  if (cacheable) {
    std::lock_guard lock(cache_mutex_);
    if (cache_.size() >= kMaxCacheEntries) {
      cache_.clear();
      cached_ids_.clear();
    }
    const CacheSpan span{static_cast<std::uint32_t>(cached_ids_.size()),
                         static_cast<std::uint32_t>(symbols.size())};
    if (cache_.emplace(std::string(piece), span).second) {
      cached_ids_.insert(cached_ids_.end(), symbols.begin(), symbols.end());
    }
  }
}

void BpeModel::clear_cache() const {
  std::lock_guard lock(cache_mutex_);
  cache_.clear();
  cached_ids_.clear();
}

}  // namespace seek::engine
