// The sublayers of the V4 forward pass (batch 1, a chunk of positions at a time), each a
// function of the loaded weights and BF16-valued FP32 activations, and the small helpers
// they share. deepseek_v4.cc strings them together.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "base/result.h"
#include "engine/model/block_weights.h"
#include "engine/kv/kv_state.h"
#include "engine/checkpoint/weights.h"
#include "engine/ops/rope.h"
#include "engine/cpu/scratch_arena.h"

namespace seek::engine::layers {

/// Rounds every value to BF16 (where the official model stores a BF16 tensor).
void round_bf16(float* x, std::int64_t n);
/// RMSNorm in FP32 with a gain, output rounded to BF16 (model.py RMSNorm).
void rms_norm_bf16(const float* x, std::int64_t rows, std::int64_t dim, const float* weight, float eps, float* y);
/// An FP8/FP4 linear: act_quant + GEMM + BF16 output.
void quant_linear(const QuantLinearWeight& w, const float* x, std::int64_t rows, float* y);
/// RoPE on the last `rd` dims of each [rows, heads, stride] row at the given positions
/// (`freqs` from rope_frequencies), or its inverse.
void rope_rows(float* x, std::int64_t rows, std::int64_t heads, std::int64_t stride, std::int64_t rd,
               const std::int64_t* positions, const std::vector<float>& freqs, bool inverse);
/// The RoPE config of a layer: YaRN with compress_rope_theta on compressed layers.
RopeConfig rope_config(const ModelConfig& c, std::int64_t layer);

/// Sizes a layer's state (window ring, compressors) for a fresh sequence.
void init_attention_state(const ModelConfig& c, std::int64_t layer, AttentionState& state);
/// x: [S, D] after attn_norm at positions start..start+S-1 -> out [S, D]. Reads and extends
/// `state`; start == 0 is the official prefill, S == 1 the official decode step.
/// `prompt_length` as in ModelState.
Status attention_forward(const ModelConfig& c, const AttentionWeights& w, std::int64_t layer, const float* x, std::int64_t S,
                         std::int64_t start, std::int64_t prompt_length, AttentionState& state, ScratchArena& ws, float* out);
/// x: [S, D] after ffn_norm -> out [S, D].
Status moe_forward(const ModelConfig& c, const MoeWeights& w, const float* x, const std::int32_t* tokens, std::int64_t S,
                   ScratchArena& ws, float* out);

}  // namespace seek::engine::layers
