// The attention sublayer for a prefill from position 0 (model.py Attention / Compressor /
// Indexer with start_pos == 0): low-rank q with a per-head weightless norm in BF16
// arithmetic, the shared kv row with its FP8 round trip, the sliding window, the compressed
// entries (all of them on ratio-128 layers, the indexer's top-k on ratio-4 layers), sparse
// attention with the sink, the inverse RoPE and the grouped output projection.
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <vector>

#include "engine/model/inventory.h"
#include "engine/model/layers.h"
#include "engine/model/quant.h"
#include "engine/ops/activation_quant.h"
#include "engine/ops/bf16_linear.h"
#include "engine/ops/rms_norm.h"
#include "engine/ops/sparse_attention.h"

namespace seek::engine::layers {
namespace {

float bf16(float v) { return quant::bf16_to_float(quant::float_to_bf16(v)); }

void rope(float* x, std::int64_t rows, std::int64_t heads, std::int64_t stride, std::int64_t rd,
          const std::vector<std::int64_t>& positions, const std::vector<float>& freqs, bool inverse) {
  RopeParams p{x, positions.data(), freqs.data(), rows, heads, stride, stride - rd, rd, inverse, true};
  rope_cpu(p);
}

// q *= rsqrt(mean(q^2) + eps), every step a BF16 tensor op as in torch.
void head_norm_bf16(float* q, std::int64_t rows, std::int64_t dim, float eps) {
  for (std::int64_t r = 0; r < rows; ++r) {
    float* v = q + r * dim;
    float sum = 0;
    for (std::int64_t i = 0; i < dim; ++i) sum += bf16(v[i] * v[i]);
    const float mean = bf16(sum / static_cast<float>(dim));
    const float inv = bf16(1.0f / std::sqrt(bf16(mean + eps)));
    for (std::int64_t i = 0; i < dim; ++i) v[i] = bf16(v[i] * inv);
  }
}

// The Compressor at start_pos 0: gated pooling of `ratio` tokens (overlapping windows for
// ratio 4), norm, RoPE at the window starts, then the FP8 (main) or Hadamard + FP4 (indexer)
// round trip. Returns [S / ratio, head_dim] BF16 values.
std::vector<float> compress(ModelWeights& w, const std::string& p, const float* x, std::int64_t S, std::int64_t ratio,
                            std::int64_t head_dim, bool indexer, const std::vector<float>& freqs) {
  const ModelConfig& c = w.config();
  const std::int64_t D = c.dim, rd = c.rope_head_dim, coff = ratio == 4 ? 2 : 1, width = coff * head_dim;
  const std::int64_t n = S / ratio;
  std::vector<float> out(static_cast<std::size_t>(n * head_dim));
  if (n == 0) return out;
  std::vector<float> kv(static_cast<std::size_t>(S * width)), score(kv.size());
  bf16_linear_cpu({x, w.bf16(p + ".wkv.weight"), kv.data(), S, D, width, 0, 0, false});
  bf16_linear_cpu({x, w.bf16(p + ".wgate.weight"), score.data(), S, D, width, 0, 0, false});
  const float* ape = w.f32(p + ".ape");  // [ratio, width]
  std::vector<float> pooled(static_cast<std::size_t>(n * head_dim));
  const std::int64_t slots = coff * ratio;  // window entries per compressed row
  std::vector<float> s(static_cast<std::size_t>(slots)), v(static_cast<std::size_t>(slots));
  for (std::int64_t i = 0; i < n; ++i) {
    for (std::int64_t d = 0; d < head_dim; ++d) {
      // Slot j < ratio (overlap only): token (i-1)*ratio + j, first half of the dims;
      // slot ratio + j (or j without overlap): token i*ratio + j, second half.
      for (std::int64_t j = 0; j < slots; ++j) {
        const bool previous = coff == 2 && j < ratio;
        const std::int64_t within = coff == 2 ? (previous ? j : j - ratio) : j;
        const std::int64_t token = (previous ? i - 1 : i) * ratio + within;
        const std::int64_t dim_index = coff == 2 ? (previous ? d : head_dim + d) : d;
        if (previous && i == 0) {
          s[static_cast<std::size_t>(j)] = -std::numeric_limits<float>::infinity();
          v[static_cast<std::size_t>(j)] = 0.0f;
          continue;
        }
        s[static_cast<std::size_t>(j)] = score[static_cast<std::size_t>(token * width + dim_index)] + ape[within * width + dim_index];
        v[static_cast<std::size_t>(j)] = kv[static_cast<std::size_t>(token * width + dim_index)];
      }
      const float m = *std::max_element(s.begin(), s.end());
      float total = 0;
      for (auto& e : s) total += (e = std::exp(e - m));
      float acc = 0;
      for (std::int64_t j = 0; j < slots; ++j) acc += v[static_cast<std::size_t>(j)] * (s[static_cast<std::size_t>(j)] / total);
      pooled[static_cast<std::size_t>(i * head_dim + d)] = acc;
    }
  }
  round_bf16(pooled.data(), n * head_dim);  // kv.to(dtype)
  rms_norm_bf16(pooled.data(), n, head_dim, w.norm(p + ".norm.weight").data(), static_cast<float>(c.norm_eps), out.data());
  std::vector<std::int64_t> positions(static_cast<std::size_t>(n));
  for (std::int64_t i = 0; i < n; ++i) positions[static_cast<std::size_t>(i)] = i * ratio;
  rope(out.data(), n, 1, head_dim, rd, positions, freqs, false);
  if (indexer) {
    (void)hadamard_cpu(out.data(), n, head_dim);
    (void)fp4_round_trip(out.data(), n, head_dim, head_dim);
  } else {
    (void)fp8_round_trip(out.data(), n, head_dim - rd, head_dim, 64);
  }
  return out;
}

// The indexer's choice of compressed entries for each query (or -1), offset into kv rows.
std::vector<std::int32_t> indexer_topk(ModelWeights& w, const std::string& p, const float* x, const float* qr,
                                       std::int64_t S, std::int64_t offset, const std::vector<float>& freqs,
                                       std::int64_t& k_out) {
  const ModelConfig& c = w.config();
  const std::int64_t IH = c.index_n_heads, IC = c.index_head_dim, rd = c.rope_head_dim, ratio = 4;
  std::vector<float> q(static_cast<std::size_t>(S * IH * IC));
  quant_linear(w.linear(p + ".wq_b"), qr, S, q.data());
  std::vector<std::int64_t> positions(static_cast<std::size_t>(S));
  std::iota(positions.begin(), positions.end(), 0);
  rope(q.data(), S, IH, IC, rd, positions, freqs, false);
  (void)hadamard_cpu(q.data(), S * IH, IC);
  (void)fp4_round_trip(q.data(), S * IH, IC, IC);
  const std::vector<float> kv = compress(w, p + ".compressor", x, S, ratio, IC, true, freqs);
  const std::int64_t T = S / ratio;
  std::vector<float> weights(static_cast<std::size_t>(S * IH));
  bf16_linear_cpu({x, w.bf16(p + ".weights_proj.weight"), weights.data(), S, c.dim, IH, 0, 0, true});
  const float factor = static_cast<float>(std::pow(static_cast<double>(IC), -0.5) * std::pow(static_cast<double>(IH), -0.5));
  for (auto& v : weights) v = bf16(v * factor);
  const std::int64_t k = std::min(c.index_topk, T);
  k_out = k;
  std::vector<std::int32_t> chosen(static_cast<std::size_t>(S * k), -1);
  std::vector<float> score(static_cast<std::size_t>(T));
  std::vector<std::int32_t> order(static_cast<std::size_t>(T));
  for (std::int64_t t = 0; t < S; ++t) {
    const std::int64_t visible = (t + 1) / ratio;
    for (std::int64_t j = 0; j < T; ++j) {
      float total = 0;  // sum over heads of bf16(relu(bf16(q.k)) * weight), rounded to BF16
      for (std::int64_t h = 0; h < IH; ++h) {
        float dot = 0;
        for (std::int64_t d = 0; d < IC; ++d) dot += q[static_cast<std::size_t>((t * IH + h) * IC + d)] * kv[static_cast<std::size_t>(j * IC + d)];
        total += bf16(std::max(bf16(dot), 0.0f) * weights[static_cast<std::size_t>(t * IH + h)]);
      }
      score[static_cast<std::size_t>(j)] = j >= visible ? -std::numeric_limits<float>::infinity() : bf16(total);
    }
    std::iota(order.begin(), order.end(), 0);
    std::partial_sort(order.begin(), order.begin() + k, order.end(), [&](std::int32_t a, std::int32_t b) {
      return score[static_cast<std::size_t>(a)] != score[static_cast<std::size_t>(b)] ? score[static_cast<std::size_t>(a)] > score[static_cast<std::size_t>(b)] : a < b;
    });
    for (std::int64_t i = 0; i < k; ++i) {
      const std::int32_t j = order[static_cast<std::size_t>(i)];
      chosen[static_cast<std::size_t>(t * k + i)] = j >= visible ? -1 : static_cast<std::int32_t>(j + offset);
    }
  }
  return chosen;
}

}  // namespace

Status attention_prefill(ModelWeights& w, std::int64_t layer, const float* x, std::int64_t S, float* out) {
  const ModelConfig& c = w.config();
  const std::string p = block_prefix(c, layer) + ".attn";
  const std::int64_t D = c.dim, H = c.n_heads, C = c.head_dim, rd = c.rope_head_dim, Q = c.q_lora_rank;
  const std::int64_t ratio = c.ratio(layer), win = c.window_size;
  const float eps = static_cast<float>(c.norm_eps);
  const std::vector<float> freqs = rope_frequencies(rope_config(c, layer));
  std::vector<std::int64_t> positions(static_cast<std::size_t>(S));
  std::iota(positions.begin(), positions.end(), 0);

  // q
  std::vector<float> qa(static_cast<std::size_t>(S * Q)), qr(qa.size()), q(static_cast<std::size_t>(S * H * C));
  quant_linear(w.linear(p + ".wq_a"), x, S, qa.data());
  rms_norm_bf16(qa.data(), S, Q, w.norm(p + ".q_norm.weight").data(), eps, qr.data());
  quant_linear(w.linear(p + ".wq_b"), qr.data(), S, q.data());
  head_norm_bf16(q.data(), S * H, C, eps);
  rope(q.data(), S, H, C, rd, positions, freqs, false);

  // kv rows: the window part (one per token), then the compressed entries
  std::vector<float> kv_raw(static_cast<std::size_t>(S * C)), kv(kv_raw.size());
  quant_linear(w.linear(p + ".wkv"), x, S, kv_raw.data());
  rms_norm_bf16(kv_raw.data(), S, C, w.norm(p + ".kv_norm.weight").data(), eps, kv.data());
  rope(kv.data(), S, 1, C, rd, positions, freqs, false);
  SEEK_RETURN_IF_ERROR(fp8_round_trip(kv.data(), S, C - rd, C, 64));

  const std::int64_t window = std::min(S, win);
  std::vector<std::int32_t> compress_idx;
  std::int64_t compress_k = 0;
  if (ratio != 0) {
    if (ratio == 4) {
      compress_idx = indexer_topk(w, p + ".indexer", x, qr.data(), S, S, freqs, compress_k);
    } else {
      compress_k = S / ratio;
      compress_idx.assign(static_cast<std::size_t>(S * compress_k), -1);
      for (std::int64_t t = 0; t < S; ++t) {
        for (std::int64_t i = 0; i < compress_k; ++i) {
          if (i < (t + 1) / ratio) compress_idx[static_cast<std::size_t>(t * compress_k + i)] = static_cast<std::int32_t>(S + i);
        }
      }
    }
    const std::vector<float> compressed = compress(w, p + ".compressor", x, S, ratio, C, false, freqs);
    kv.insert(kv.end(), compressed.begin(), compressed.end());
  }
  const std::int64_t topk = window + compress_k, rows = static_cast<std::int64_t>(kv.size()) / C;
  std::vector<std::int32_t> idx(static_cast<std::size_t>(S * topk), -1);
  for (std::int64_t t = 0; t < S; ++t) {
    const std::int64_t first = std::max<std::int64_t>(0, t - win + 1);
    for (std::int64_t j = 0; j < window; ++j) {
      const std::int64_t row = first + j;
      idx[static_cast<std::size_t>(t * topk + j)] = row > t ? -1 : static_cast<std::int32_t>(row);
    }
    for (std::int64_t i = 0; i < compress_k; ++i) {
      idx[static_cast<std::size_t>(t * topk + window + i)] = compress_idx[static_cast<std::size_t>(t * compress_k + i)];
    }
  }
  std::vector<float> o(q.size());
  SparseAttentionParams attn{q.data(), kv.data(), w.f32(p + ".attn_sink"), idx.data(), o.data(), S, H, C, rows, topk,
                             static_cast<float>(std::pow(static_cast<double>(C), -0.5))};
  SEEK_RETURN_IF_ERROR(validate(attn));
  sparse_attention_cpu(attn);
  rope(o.data(), S, H, C, rd, positions, freqs, true);

  // Grouped output projection: o [S, G, H*C/G] x wo_a [G, R, H*C/G] -> [S, G*R], then wo_b.
  const std::int64_t G = c.o_groups, R = c.o_lora_rank, group_in = H * C / G;
  const std::vector<std::uint16_t>& wo_a = w.wo_a_bf16(p + ".wo_a");
  std::vector<float> mid(static_cast<std::size_t>(S * G * R));
  for (std::int64_t g = 0; g < G; ++g) {
    bf16_linear_cpu({o.data() + g * group_in, wo_a.data() + g * R * group_in, mid.data() + g * R, S, group_in, R, H * C,
                     G * R, true});
  }
  quant_linear(w.linear(p + ".wo_b"), mid.data(), S, out);
  (void)D;
  return ok_status();
}

}  // namespace seek::engine::layers
