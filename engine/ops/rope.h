// Rotary position embedding as the official code applies it (model.py precompute_freqs_cis
// and apply_rotary_emb): pairs (x[2i], x[2i+1]) of the last `rope_dim` dims are rotated by
// position * freq[i] (interleaved layout), freq[i] = base^(-2i/rope_dim), with YaRN
// interpolation (a linear ramp between the beta_fast / beta_slow correction dims, factor,
// original_seq_len > 0) on compressed layers and none (original_seq_len = 0) on
// sliding-window-only layers. The inverse rotation (conjugate) undoes it on attention
// outputs. Results are rounded to BF16, as the in-place copy into a BF16 tensor does.
#pragma once

#include <cstdint>
#include <vector>

#include "base/result.h"

namespace seek::engine {

struct RopeConfig {
  std::int64_t rope_dim = 64;
  double base = 10000;
  std::int64_t original_seq_len = 0;  ///< 0: no YaRN
  double factor = 1, beta_fast = 32, beta_slow = 1;
};

/// The per-pair frequencies [rope_dim/2] in FP32, computed as torch does.
std::vector<float> rope_frequencies(const RopeConfig& config);

struct RopeParams {
  float* x = nullptr;                  ///< [rows, heads, row_stride]; rotated in place
  const std::int64_t* positions = nullptr;  ///< [rows]
  const float* freqs = nullptr;        ///< [rope_dim/2]
  std::int64_t rows = 0, heads = 1, row_stride = 0;  ///< row_stride: elements per head vector
  std::int64_t offset = 0;             ///< where the rotated dims start inside a head vector
  std::int64_t rope_dim = 64;
  bool inverse = false;
  bool round_bf16 = true;
};

Status validate(const RopeParams& p);
void rope_reference(const RopeParams& p);  ///< double angles and products
void rope_cpu(const RopeParams& p);        ///< FP32 like torch's complex64 math
Status rope_cuda_from_host(const RopeParams& p);

}  // namespace seek::engine
