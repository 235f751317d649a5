// The state a V4 forward pass carries from one call to the next (spec §4): per attention
// layer the sliding-window ring of kv rows, and per compressor the raw projections of the
// block being filled (plus the previous block, which ratio-4 compressors overlap) and the
// compressed entries finished so far. Prefill, chunked prefill and decode all run through
// it, so they see exactly the same keys.
#pragma once

#include <cstdint>
#include <vector>

namespace seek::engine {

struct CompressorState {
  std::int64_t ratio = 0, width = 0, head_dim = 0;
  std::vector<float> kv;       ///< [history, width] raw kv projections, slot = position % history
  std::vector<float> score;    ///< [history, width] gate scores with the position's ape added
  std::vector<float> entries;  ///< [count, head_dim] finished compressed rows (BF16 values)

  /// history = ratio, or 2 * ratio for the overlapping (ratio 4) compressor.
  std::int64_t history() const { return width == head_dim ? ratio : 2 * ratio; }
  std::int64_t count() const { return head_dim == 0 ? 0 : static_cast<std::int64_t>(entries.size()) / head_dim; }
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
  std::vector<AttentionState> layers;
};

}  // namespace seek::engine
