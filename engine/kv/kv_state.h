// The state a V4 forward pass carries from one call to the next (spec §4): per attention
// layer the sliding-window ring of kv rows, and per compressor the raw projections of the
// block being filled (plus the previous block, which ratio-4 compressors overlap) and the
// compressed entries finished so far. Prefill, chunked prefill and decode all run through
// it, so they see exactly the same keys.
#pragma once

#include <algorithm>
#include <cstdint>
#include <memory>
#include <vector>

#include "engine/cpu/scratch_arena.h"

namespace seek::engine {

/// Compressed rows stored in pages that each cover kPageTokens original tokens (the lcm of
/// the ratios: 32 CSA entries or 1 HCA entry per page). Copies share pages: a page is only
/// written while it fills, and a shared page is copied before that (copy on write), so a
/// snapshot of a long sequence costs one partial page, not the whole cache.
class PagedRows {
 public:
  static constexpr std::int64_t kPageTokens = 128;

  void reset(std::int64_t ratio, std::int64_t width) {
    rows_per_page_ = std::max<std::int64_t>(1, kPageTokens / ratio);
    width_ = width;
    count_ = 0;
    pages_.clear();
  }
  void append(const float* rows, std::int64_t n) {
    const auto page_size = static_cast<std::size_t>(rows_per_page_ * width_);
    for (std::int64_t i = 0; i < n; ++i, ++count_) {
      if (count_ % rows_per_page_ == 0) {
        pages_.push_back(std::shared_ptr<float[]>(new float[page_size]));
      } else if (pages_.back().use_count() > 1) {  // shared with a snapshot: copy before writing
        std::shared_ptr<float[]> own(new float[page_size]);
        std::copy_n(pages_.back().get(), page_size, own.get());
        pages_.back() = std::move(own);
      }
      std::copy_n(rows + i * width_, width_, pages_.back().get() + (count_ % rows_per_page_) * width_);
    }
  }
  const float* row(std::int64_t i) const { return pages_[static_cast<std::size_t>(i / rows_per_page_)].get() + (i % rows_per_page_) * width_; }
  std::int64_t count() const { return count_; }
  std::int64_t width() const { return width_; }
  /// Copies rows [0, count) contiguously to `out` ([count, width]).
  void gather(float* out) const {
    for (std::int64_t i = 0; i < count_; i += rows_per_page_) {
      std::copy_n(row(i), std::min(rows_per_page_, count_ - i) * width_, out + i * width_);
    }
  }

 private:
  std::int64_t rows_per_page_ = 1, width_ = 0, count_ = 0;
  std::vector<std::shared_ptr<float[]>> pages_;
};

struct CompressorState {
  std::int64_t ratio = 0, width = 0, head_dim = 0;
  std::vector<float> kv;       ///< [history, width] raw kv projections, slot = position % history
  std::vector<float> score;    ///< [history, width] gate scores with the position's ape added
  PagedRows entries;           ///< [count, head_dim] finished compressed rows (BF16 values)

  /// history = ratio, or 2 * ratio for the overlapping (ratio 4) compressor.
  std::int64_t history() const { return width == head_dim ? ratio : 2 * ratio; }
  std::int64_t count() const { return entries.count(); }
};

struct AttentionState {
  std::vector<float> window;  ///< [window_size, head_dim] kv rows, slot = position % window_size
  CompressorState main;       ///< the layer's own compressor (ratio 4 or 128)
  CompressorState index;      ///< the indexer's compressor (ratio 4 only)
};

/// Everything a model carries between calls. `position` is the number of tokens seen.
struct ModelState {
  std::int64_t position = 0;
  /// When a prompt is prefilled in several chunks, its whole length: the calls covering it
  /// then lay out their index lists exactly as one official prefill of the whole prompt
  /// would (window lists min(prompt, window) wide), so chunking changes no bit. 0 = each call
  /// from position 0 is its own prefill and later calls are decode steps (window wide).
  std::int64_t prompt_length = 0;
  std::vector<AttentionState> layers;  ///< main layers, then the MTP blocks
  ScratchArena scratch;                   ///< the forward pass's temporaries, reused call to call

  ModelState() = default;
  ModelState(ModelState&&) = default;
  ModelState& operator=(ModelState&&) = default;
  /// A snapshot: the same sequence state (compressed pages shared), fresh scratch.
  ModelState(const ModelState& other) : position(other.position), prompt_length(other.prompt_length), layers(other.layers) {}
  ModelState& operator=(const ModelState& other) {
    if (this != &other) {
      position = other.position;
      prompt_length = other.prompt_length;
      layers = other.layers;
    }
    return *this;
  }
};

}  // namespace seek::engine
