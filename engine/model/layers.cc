// Helpers shared by the sublayers (see layers.h).
#include "engine/model/layers.h"

#include <cstdlib>

#include "engine/checkpoint/quant.h"
#include "engine/ops/rms_norm.h"

namespace seek::engine::layers {

void round_bf16(float* x, std::int64_t n) {
  for (std::int64_t i = 0; i < n; ++i) x[i] = quant::bf16_to_float(quant::float_to_bf16(x[i]));
}

void rms_norm_bf16(const float* x, std::int64_t rows, std::int64_t dim, const float* weight, float eps, float* y) {
  rms_norm_cpu({.x = x, .weight = weight, .y = y, .rows = rows, .dim = dim, .eps = eps});
  round_bf16(y, rows * dim);
}

void quant_linear(const QuantLinearWeight& w, const float* x, std::int64_t rows, float* y) {
  const QuantLinearParams p{x, w.weight, w.scale, w.format, y, rows, w.in, w.out};
  // Shapes come from a config validated at load (multiples of 128); a bad one is a bug.
  if (!validate(p).ok()) std::abort();
  quant_linear_cpu(p);
}

void rope_rows(float* x, std::int64_t rows, std::int64_t heads, std::int64_t stride, std::int64_t rd,
               const std::int64_t* positions, const std::vector<float>& freqs, bool inverse) {
  RopeParams p{x, positions, freqs.data(), rows, heads, stride, stride - rd, rd, inverse, true};
  rope_cpu(p);
}

RopeConfig rope_config(const ModelConfig& c, std::int64_t layer) {
  if (c.ratio(layer) == 0) return {c.rope_head_dim, c.rope_theta, 0, c.rope_factor, c.beta_fast, c.beta_slow};
  return {c.rope_head_dim, c.compress_rope_theta, c.original_seq_len, c.rope_factor, c.beta_fast, c.beta_slow};
}

}  // namespace seek::engine::layers
