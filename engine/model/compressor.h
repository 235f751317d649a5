// The KV compressor (model.py Compressor), run incrementally: each call feeds the next
// positions and finishes every block of `ratio` tokens they complete. A whole prompt at once
// gives the official prefill's entries; one token at a time gives the official decode's.
#pragma once

#include <cstdint>
#include <vector>

#include "engine/model/block_weights.h"
#include "engine/kv/kv_state.h"
#include "engine/cpu/scratch_arena.h"

namespace seek::engine::layers {

/// Sizes `state` for a compressor of `ratio` producing rows of `head_dim`.
void init_compressor(CompressorState& state, std::int64_t ratio, std::int64_t head_dim);

/// x: [S, D] (attn_norm output) at positions start..start+S-1. Appends the finished entries
/// to state.entries: gated pooling, BF16, norm, RoPE at the block start, then the FP8 round
/// trip (main) or Hadamard + FP4 (indexer).
void compressor_step(const ModelConfig& c, const CompressorWeights& w, const float* x, std::int64_t S, std::int64_t start,
                     bool indexer, const std::vector<float>& freqs, CompressorState& state, ScratchArena& ws);

}  // namespace seek::engine::layers
