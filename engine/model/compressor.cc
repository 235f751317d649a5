// The incremental KV compressor (see compressor.h). Pooling per block and dim: softmax over
// the block's gate scores (for ratio 4 the previous block's first-half dims join, zero-
// weighted before the first block), weighted sum in FP32, then rounded to BF16.
#include "engine/model/compressor.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "engine/model/layers.h"
#include "engine/ops/activation_quant.h"
#include "engine/ops/bf16_linear.h"

namespace seek::engine::layers {

void init_compressor(CompressorState& state, std::int64_t ratio, std::int64_t head_dim) {
  state.ratio = ratio;
  state.head_dim = head_dim;
  state.width = (ratio == 4 ? 2 : 1) * head_dim;
  state.kv.assign(static_cast<std::size_t>(state.history() * state.width), 0.0f);
  state.score.assign(state.kv.size(), -std::numeric_limits<float>::infinity());
  state.entries.reset(ratio, head_dim);
}

void compressor_step(const ModelConfig& c, const CompressorWeights& w, const float* x, std::int64_t S, std::int64_t start,
                     bool indexer, const std::vector<float>& freqs, CompressorState& st, ScratchArena& ws) {
  ScratchArena::Scope scope(ws);
  const std::int64_t D = c.dim, rd = c.rope_head_dim, ratio = st.ratio, width = st.width, head_dim = st.head_dim;
  const std::int64_t history = st.history();
  const bool overlap = width != head_dim;
  float* kv = ws.zeros<float>(S * width);
  float* score = ws.zeros<float>(S * width);
  bf16_linear_cpu({x, w.wkv, kv, S, D, width, 0, 0, false});
  bf16_linear_cpu({x, w.wgate, score, S, D, width, 0, 0, false});
  const float* ape = w.ape;  // [ratio, width]

  // At most one finished block per `ratio` positions, plus one for a block this chunk closes.
  const std::int64_t most = S / ratio + 1;
  float* pooled = ws.alloc<float>(most * head_dim);
  std::int64_t* block_starts = ws.alloc<std::int64_t>(most);
  std::int64_t n = 0;
  const std::int64_t slots = overlap ? 2 * ratio : ratio;
  float* s = ws.alloc<float>(slots);
  float* v = ws.alloc<float>(slots);
  for (std::int64_t t = 0; t < S; ++t) {
    const std::int64_t pos = start + t, slot = pos % history;
    for (std::int64_t d = 0; d < width; ++d) {
      st.kv[static_cast<std::size_t>(slot * width + d)] = kv[t * width + d];
      st.score[static_cast<std::size_t>(slot * width + d)] = score[t * width + d] + ape[(pos % ratio) * width + d];
    }
    if ((pos + 1) % ratio != 0) continue;
    const std::int64_t first = pos + 1 - ratio;  // this block's first position
    block_starts[n] = first;
    float* row = pooled + n * head_dim;
    ++n;
    for (std::int64_t d = 0; d < head_dim; ++d) {
      // Slot j < ratio (overlap only): position first - ratio + j, first-half dims;
      // slot (overlap ? ratio : 0) + j: position first + j, second-half dims.
      for (std::int64_t j = 0; j < slots; ++j) {
        const bool previous = overlap && j < ratio;
        const std::int64_t at = previous ? first - ratio + j : first + (overlap ? j - ratio : j);
        const std::int64_t dim_index = overlap && !previous ? head_dim + d : d;
        if (at < 0) {
          s[j] = -std::numeric_limits<float>::infinity();
          v[j] = 0.0f;
          continue;
        }
        const std::size_t i = static_cast<std::size_t>((at % history) * width + dim_index);
        s[j] = st.score[i];
        v[j] = st.kv[i];
      }
      const float m = *std::max_element(s, s + slots);
      float total = 0;
      for (std::int64_t j = 0; j < slots; ++j) total += (s[j] = std::exp(s[j] - m));
      float acc = 0;
      for (std::int64_t j = 0; j < slots; ++j) acc += v[j] * (s[j] / total);
      row[d] = acc;
    }
  }
  if (n == 0) return;
  round_bf16(pooled, n * head_dim);  // kv.to(dtype)
  float* out = ws.alloc<float>(n * head_dim);
  rms_norm_bf16(pooled, n, head_dim, w.norm, static_cast<float>(c.norm_eps), out);
  rope_rows(out, n, 1, head_dim, rd, block_starts, freqs, false);
  if (indexer) {
    (void)hadamard_cpu(out, n, head_dim);
    (void)fp4_round_trip(out, n, head_dim, head_dim);
  } else {
    (void)fp8_round_trip(out, n, head_dim - rd, head_dim, 64);
  }
  st.entries.append(out, n);
}

}  // namespace seek::engine::layers
