// The attention sublayer over a chunk of positions (model.py Attention / Indexer): a
// prefill when the chunk starts at 0, a decode step when it is one token, chunked prefill
// otherwise. Low-rank q with a per-head weightless norm in BF16 arithmetic, the shared kv
// row with its FP8 round trip, the sliding window, the compressed entries (all of them on
// ratio-128 layers, the indexer's top-k on ratio-4 layers), sparse attention with the sink,
// the inverse RoPE and the grouped output projection.
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <vector>

#include "engine/model/compressor.h"
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

// The indexer's choice of compressed entries for each query: [S, k] entry numbers + offset,
// or -1. Scores are against every entry finished by the end of the chunk; an entry a query
// cannot see yet (its block ends after the query) is masked, sorts last and becomes -1.
std::vector<std::int32_t> indexer_topk(ModelWeights& w, const std::string& p, const float* x, const float* qr,
                                       std::int64_t S, std::int64_t start, std::int64_t offset,
                                       const std::vector<float>& freqs, CompressorState& state, std::int64_t& k_out) {
  const ModelConfig& c = w.config();
  const std::int64_t IH = c.index_n_heads, IC = c.index_head_dim, rd = c.rope_head_dim, ratio = state.ratio;
  std::vector<float> q(static_cast<std::size_t>(S * IH * IC));
  quant_linear(w.linear(p + ".wq_b"), qr, S, q.data());
  std::vector<std::int64_t> positions(static_cast<std::size_t>(S));
  std::iota(positions.begin(), positions.end(), start);
  rope_rows(q.data(), S, IH, IC, rd, positions, freqs, false);
  (void)hadamard_cpu(q.data(), S * IH, IC);
  (void)fp4_round_trip(q.data(), S * IH, IC, IC);
  compressor_step(w, p + ".compressor", x, S, start, true, freqs, state);
  const PagedRows& kv = state.entries;  // [T, IC]
  const std::int64_t T = (start + S) / ratio;
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
    const std::int64_t visible = (start + t + 1) / ratio;
    for (std::int64_t j = 0; j < T; ++j) {
      float total = 0;  // sum over heads of bf16(relu(bf16(q.k)) * weight), rounded to BF16
      for (std::int64_t h = 0; h < IH; ++h) {
        float dot = 0;
        for (std::int64_t d = 0; d < IC; ++d) dot += q[static_cast<std::size_t>((t * IH + h) * IC + d)] * kv.row(j)[d];
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

void init_attention_state(const ModelConfig& c, std::int64_t layer, AttentionState& state) {
  state.window.assign(static_cast<std::size_t>(c.window_size * c.head_dim), 0.0f);
  const std::int64_t ratio = c.ratio(layer);
  state.main = {};
  state.index = {};
  if (ratio != 0) init_compressor(state.main, ratio, c.head_dim);
  if (ratio == 4) init_compressor(state.index, ratio, c.index_head_dim);
}

Status attention_forward(ModelWeights& w, std::int64_t layer, const float* x, std::int64_t S, std::int64_t start,
                         std::int64_t prompt_length, AttentionState& st, float* out) {
  const ModelConfig& c = w.config();
  const std::string p = block_prefix(c, layer) + ".attn";
  const std::int64_t H = c.n_heads, C = c.head_dim, rd = c.rope_head_dim, Q = c.q_lora_rank;
  const std::int64_t ratio = c.ratio(layer), win = c.window_size;
  const float eps = static_cast<float>(c.norm_eps);
  const std::vector<float> freqs = rope_frequencies(rope_config(c, layer));
  std::vector<std::int64_t> positions(static_cast<std::size_t>(S));
  std::iota(positions.begin(), positions.end(), start);

  // q
  std::vector<float> qa(static_cast<std::size_t>(S * Q)), qr(qa.size()), q(static_cast<std::size_t>(S * H * C));
  quant_linear(w.linear(p + ".wq_a"), x, S, qa.data());
  rms_norm_bf16(qa.data(), S, Q, w.norm(p + ".q_norm.weight").data(), eps, qr.data());
  quant_linear(w.linear(p + ".wq_b"), qr.data(), S, q.data());
  head_norm_bf16(q.data(), S * H, C, eps);
  rope_rows(q.data(), S, H, C, rd, positions, freqs, false);

  // The chunk's kv rows.
  std::vector<float> kv_raw(static_cast<std::size_t>(S * C)), kv_new(kv_raw.size());
  quant_linear(w.linear(p + ".wkv"), x, S, kv_raw.data());
  rms_norm_bf16(kv_raw.data(), S, C, w.norm(p + ".kv_norm.weight").data(), eps, kv_new.data());
  rope_rows(kv_new.data(), S, 1, C, rd, positions, freqs, false);
  SEEK_RETURN_IF_ERROR(fp8_round_trip(kv_new.data(), S, C - rd, C, 64));

  // Key rows the kernel reads: the earlier positions still in the window (from the ring, in
  // position order), the chunk's rows, then every compressed entry finished so far.
  const std::int64_t previous = start == 0 ? 0 : std::min(start, win - 1), first_row_pos = start - previous;
  std::vector<float> kv(static_cast<std::size_t>(previous * C));
  for (std::int64_t i = 0; i < previous; ++i) {
    const std::int64_t slot = (first_row_pos + i) % win;
    std::copy_n(st.window.begin() + slot * C, C, kv.begin() + i * C);
  }
  kv.insert(kv.end(), kv_new.begin(), kv_new.end());
  const std::int64_t offset = previous + S, end = start + S;

  std::vector<std::int32_t> compress_idx;
  std::int64_t compress_k = 0;
  if (ratio != 0) {
    if (ratio == 4) {
      compress_idx = indexer_topk(w, p + ".indexer", x, qr.data(), S, start, offset, freqs, st.index, compress_k);
    } else {
      compress_k = end / ratio;
      compress_idx.assign(static_cast<std::size_t>(S * compress_k), -1);
      for (std::int64_t t = 0; t < S; ++t) {
        for (std::int64_t i = 0; i < compress_k && i < (start + t + 1) / ratio; ++i) {
          compress_idx[static_cast<std::size_t>(t * compress_k + i)] = static_cast<std::int32_t>(offset + i);
        }
      }
    }
    compressor_step(w, p + ".compressor", x, S, start, false, freqs, st.main);
    const std::size_t at = kv.size();
    kv.resize(at + static_cast<std::size_t>(st.main.entries.count() * C));
    st.main.entries.gather(kv.data() + at);
  }
  // The window list: min(S, window) wide in a prefill from 0 (model.py), window wide in a
  // decode step; positions oldest first, -1 padding last. Its width decides where the
  // compressed entries start, hence the kernel's 64-entry blocks.
  const std::int64_t window = prompt_length > 0 && start < prompt_length ? std::min(prompt_length, win)
                              : start == 0                               ? std::min(S, win)
                                                                         : win;
  const std::int64_t topk = window + compress_k, rows = static_cast<std::int64_t>(kv.size()) / C;
  std::vector<std::int32_t> idx(static_cast<std::size_t>(S * topk), -1);
  for (std::int64_t t = 0; t < S; ++t) {
    const std::int64_t pos = start + t, first = std::max<std::int64_t>(0, pos - win + 1);
    for (std::int64_t j = 0; j < window; ++j) {
      const std::int64_t at = first + j;
      idx[static_cast<std::size_t>(t * topk + j)] = at > pos ? -1 : static_cast<std::int32_t>(at - first_row_pos);
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
  rope_rows(o.data(), S, H, C, rd, positions, freqs, true);

  // The ring keeps the last `win` positions for the next call.
  for (std::int64_t t = std::max<std::int64_t>(0, S - win); t < S; ++t) {
    std::copy_n(kv_new.begin() + t * C, C, st.window.begin() + ((start + t) % win) * C);
  }

  // Grouped output projection: o [S, G, H*C/G] x wo_a [G, R, H*C/G] -> [S, G*R], then wo_b.
  const std::int64_t G = c.o_groups, R = c.o_lora_rank, group_in = H * C / G;
  const std::vector<std::uint16_t>& wo_a = w.wo_a_bf16(p + ".wo_a");
  std::vector<float> mid(static_cast<std::size_t>(S * G * R));
  for (std::int64_t g = 0; g < G; ++g) {
    bf16_linear_cpu({o.data() + g * group_in, wo_a.data() + g * R * group_in, mid.data() + g * R, S, group_in, R, H * C,
                     G * R, true});
  }
  quant_linear(w.linear(p + ".wo_b"), mid.data(), S, out);
  return ok_status();
}

}  // namespace seek::engine::layers
