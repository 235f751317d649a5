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

void compressor_step(ModelWeights& w, const std::string& p, const float* x, std::int64_t S, std::int64_t start,
                     bool indexer, const std::vector<float>& freqs, CompressorState& st) {
  const ModelConfig& c = w.config();
  const std::int64_t D = c.dim, rd = c.rope_head_dim, ratio = st.ratio, width = st.width, head_dim = st.head_dim;
  const std::int64_t history = st.history();
  const bool overlap = width != head_dim;
  std::vector<float> kv(static_cast<std::size_t>(S * width)), score(kv.size());
  bf16_linear_cpu({x, w.bf16(p + ".wkv.weight"), kv.data(), S, D, width, 0, 0, false});
  bf16_linear_cpu({x, w.bf16(p + ".wgate.weight"), score.data(), S, D, width, 0, 0, false});
  const float* ape = w.f32(p + ".ape");  // [ratio, width]

  std::vector<float> pooled;
  std::vector<std::int64_t> block_starts;
  const std::int64_t slots = overlap ? 2 * ratio : ratio;
  std::vector<float> s(static_cast<std::size_t>(slots)), v(s.size());
  for (std::int64_t t = 0; t < S; ++t) {
    const std::int64_t pos = start + t, slot = pos % history;
    for (std::int64_t d = 0; d < width; ++d) {
      st.kv[static_cast<std::size_t>(slot * width + d)] = kv[static_cast<std::size_t>(t * width + d)];
      st.score[static_cast<std::size_t>(slot * width + d)] = score[static_cast<std::size_t>(t * width + d)] + ape[(pos % ratio) * width + d];
    }
    if ((pos + 1) % ratio != 0) continue;
    const std::int64_t first = pos + 1 - ratio;  // this block's first position
    block_starts.push_back(first);
    const std::size_t base = pooled.size();
    pooled.resize(base + static_cast<std::size_t>(head_dim));
    for (std::int64_t d = 0; d < head_dim; ++d) {
      // Slot j < ratio (overlap only): position first - ratio + j, first-half dims;
      // slot (overlap ? ratio : 0) + j: position first + j, second-half dims.
      for (std::int64_t j = 0; j < slots; ++j) {
        const bool previous = overlap && j < ratio;
        const std::int64_t at = previous ? first - ratio + j : first + (overlap ? j - ratio : j);
        const std::int64_t dim_index = overlap && !previous ? head_dim + d : d;
        if (at < 0) {
          s[static_cast<std::size_t>(j)] = -std::numeric_limits<float>::infinity();
          v[static_cast<std::size_t>(j)] = 0.0f;
          continue;
        }
        const std::size_t i = static_cast<std::size_t>((at % history) * width + dim_index);
        s[static_cast<std::size_t>(j)] = st.score[i];
        v[static_cast<std::size_t>(j)] = st.kv[i];
      }
      const float m = *std::max_element(s.begin(), s.end());
      float total = 0;
      for (auto& e : s) total += (e = std::exp(e - m));
      float acc = 0;
      for (std::int64_t j = 0; j < slots; ++j) acc += v[static_cast<std::size_t>(j)] * (s[static_cast<std::size_t>(j)] / total);
      pooled[base + static_cast<std::size_t>(d)] = acc;
    }
  }
  const auto n = static_cast<std::int64_t>(block_starts.size());
  if (n == 0) return;
  round_bf16(pooled.data(), n * head_dim);  // kv.to(dtype)
  std::vector<float> out(pooled.size());
  rms_norm_bf16(pooled.data(), n, head_dim, w.norm(p + ".norm.weight").data(), static_cast<float>(c.norm_eps), out.data());
  rope_rows(out.data(), n, 1, head_dim, rd, block_starts, freqs, false);
  if (indexer) {
    (void)hadamard_cpu(out.data(), n, head_dim);
    (void)fp4_round_trip(out.data(), n, head_dim, head_dim);
  } else {
    (void)fp8_round_trip(out.data(), n, head_dim - rd, head_dim, 64);
  }
  st.entries.append(out.data(), n);
}

}  // namespace seek::engine::layers
