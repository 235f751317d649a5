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
#include "engine/model/layers.h"
#include "engine/checkpoint/quant.h"
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
const std::int32_t* indexer_topk(const ModelConfig& c, const AttentionWeights& w, const float* x, const float* qr,
                                 std::int64_t S, std::int64_t start, const std::int64_t* positions, std::int64_t offset,
                                 CompressorState& state, ScratchArena& ws, std::int64_t& k_out) {
  const std::int64_t IH = c.index_n_heads, IC = c.index_head_dim, rd = c.rope_head_dim, ratio = state.ratio;
  const std::int64_t T = (start + S) / ratio, k = std::min(c.index_topk, T);
  k_out = k;
  // The result outlives this function's scratch: take it first, outside the scope.
  std::int32_t* chosen = ws.filled<std::int32_t>(S * k, -1);
  ScratchArena::Scope scope(ws);
  float* q = ws.zeros<float>(S * IH * IC);
  quant_linear(w.index_wq_b, qr, S, q);
  rope_rows(q, S, IH, IC, rd, positions, w.rope_freqs, false);
  (void)hadamard_cpu(q, S * IH, IC);
  (void)fp4_round_trip(q, S * IH, IC, IC);
  compressor_step(c, w.index_compressor, x, S, start, true, w.rope_freqs, state, ws);
  const PagedRows& kv = state.entries;  // [T, IC]
  float* weights = ws.zeros<float>(S * IH);
  bf16_linear_cpu({x, w.index_weights_proj, weights, S, c.dim, IH, 0, 0, true});
  const float factor = static_cast<float>(std::pow(static_cast<double>(IC), -0.5) * std::pow(static_cast<double>(IH), -0.5));
  for (std::int64_t i = 0; i < S * IH; ++i) weights[i] = bf16(weights[i] * factor);
  float* score = ws.alloc<float>(T);
  std::int32_t* order = ws.alloc<std::int32_t>(T);
  for (std::int64_t t = 0; t < S; ++t) {
    const std::int64_t visible = (start + t + 1) / ratio;
    for (std::int64_t j = 0; j < T; ++j) {
      float total = 0;  // sum over heads of bf16(relu(bf16(q.k)) * weight), rounded to BF16
      const float* key = kv.row(j);
      for (std::int64_t h = 0; h < IH; ++h) {
        const float* query = q + (t * IH + h) * IC;
        float dot = 0;
        for (std::int64_t d = 0; d < IC; ++d) dot += query[d] * key[d];
        total += bf16(std::max(bf16(dot), 0.0f) * weights[t * IH + h]);
      }
      score[j] = j >= visible ? -std::numeric_limits<float>::infinity() : bf16(total);
    }
    std::iota(order, order + T, 0);
    std::partial_sort(order, order + k, order + T, [&](std::int32_t a, std::int32_t b) {
      return score[a] != score[b] ? score[a] > score[b] : a < b;
    });
    for (std::int64_t i = 0; i < k; ++i) {
      const std::int32_t j = order[i];
      chosen[t * k + i] = j >= visible ? -1 : static_cast<std::int32_t>(j + offset);
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

Status attention_forward(const ModelConfig& c, const AttentionWeights& w, std::int64_t layer, const float* x, std::int64_t S,
                         std::int64_t start, std::int64_t prompt_length, AttentionState& st, ScratchArena& ws, float* out) {
  ScratchArena::Scope scope(ws);
  const std::int64_t H = c.n_heads, C = c.head_dim, rd = c.rope_head_dim, Q = c.q_lora_rank;
  const std::int64_t ratio = c.ratio(layer), win = c.window_size;
  const float eps = static_cast<float>(c.norm_eps);
  std::int64_t* positions = ws.alloc<std::int64_t>(S);
  std::iota(positions, positions + S, start);

  // q
  float* qa = ws.zeros<float>(S * Q);
  float* qr = ws.zeros<float>(S * Q);
  float* q = ws.zeros<float>(S * H * C);
  quant_linear(w.wq_a, x, S, qa);
  rms_norm_bf16(qa, S, Q, w.q_norm, eps, qr);
  quant_linear(w.wq_b, qr, S, q);
  head_norm_bf16(q, S * H, C, eps);
  rope_rows(q, S, H, C, rd, positions, w.rope_freqs, false);

  // The chunk's kv rows.
  float* kv_raw = ws.zeros<float>(S * C);
  float* kv_new = ws.zeros<float>(S * C);
  quant_linear(w.wkv, x, S, kv_raw);
  rms_norm_bf16(kv_raw, S, C, w.kv_norm, eps, kv_new);
  rope_rows(kv_new, S, 1, C, rd, positions, w.rope_freqs, false);
  SEEK_RETURN_IF_ERROR(fp8_round_trip(kv_new, S, C - rd, C, 64));

  // Key rows the kernel reads: the earlier positions still in the window (from the ring, in
  // position order), the chunk's rows, then every compressed entry finished by the chunk's end.
  const std::int64_t previous = start == 0 ? 0 : std::min(start, win - 1), first_row_pos = start - previous;
  const std::int64_t offset = previous + S, end = start + S;
  const std::int64_t entries = ratio == 0 ? 0 : end / ratio;
  const std::int64_t rows = previous + S + entries;
  float* kv = ws.alloc<float>(rows * C);
  for (std::int64_t i = 0; i < previous; ++i) {
    const std::int64_t slot = (first_row_pos + i) % win;
    std::copy_n(st.window.begin() + slot * C, C, kv + i * C);
  }
  std::copy_n(kv_new, S * C, kv + previous * C);

  const std::int32_t* compress_idx = nullptr;
  std::int64_t compress_k = 0;
  if (ratio != 0) {
    if (ratio == 4) {
      compress_idx = indexer_topk(c, w, x, qr, S, start, positions, offset, st.index, ws, compress_k);
    } else {
      compress_k = entries;
      std::int32_t* all = ws.filled<std::int32_t>(S * compress_k, -1);
      for (std::int64_t t = 0; t < S; ++t) {
        for (std::int64_t i = 0; i < compress_k && i < (start + t + 1) / ratio; ++i) {
          all[t * compress_k + i] = static_cast<std::int32_t>(offset + i);
        }
      }
      compress_idx = all;
    }
    compressor_step(c, w.compressor, x, S, start, false, w.rope_freqs, st.main, ws);
    if (st.main.entries.count() != entries) {
      return make_error(ErrorCode::kInternal, fmt::format("layer {}: {} compressed entries, expected {} (state out of step)",
                                                          layer, st.main.entries.count(), entries));
    }
    st.main.entries.gather(kv + offset * C);
  }
  // The window list: min(S, window) wide in a prefill from 0 (model.py), window wide in a
  // decode step; positions oldest first, -1 padding last. Its width decides where the
  // compressed entries start, hence the kernel's 64-entry blocks.
  const std::int64_t window = prompt_length > 0 && start < prompt_length ? std::min(prompt_length, win)
                              : start == 0                               ? std::min(S, win)
                                                                         : win;
  const std::int64_t topk = window + compress_k;
  std::int32_t* idx = ws.filled<std::int32_t>(S * topk, -1);
  for (std::int64_t t = 0; t < S; ++t) {
    const std::int64_t pos = start + t, first = std::max<std::int64_t>(0, pos - win + 1);
    for (std::int64_t j = 0; j < window; ++j) {
      const std::int64_t at = first + j;
      idx[t * topk + j] = at > pos ? -1 : static_cast<std::int32_t>(at - first_row_pos);
    }
    for (std::int64_t i = 0; i < compress_k; ++i) idx[t * topk + window + i] = compress_idx[t * compress_k + i];
  }
  float* o = ws.zeros<float>(S * H * C);
  SparseAttentionParams attn{q, kv, w.sink, idx, o, S, H, C, rows, topk,
                             static_cast<float>(std::pow(static_cast<double>(C), -0.5))};
  SEEK_RETURN_IF_ERROR(validate(attn));
  sparse_attention_cpu(attn);
  rope_rows(o, S, H, C, rd, positions, w.rope_freqs, true);

  // The ring keeps the last `win` positions for the next call.
  for (std::int64_t t = std::max<std::int64_t>(0, S - win); t < S; ++t) {
    std::copy_n(kv_new + t * C, C, st.window.begin() + ((start + t) % win) * C);
  }

  // Grouped output projection: o [S, G, H*C/G] x wo_a [G, R, H*C/G] -> [S, G*R], then wo_b.
  const std::int64_t G = c.o_groups, R = c.o_lora_rank, group_in = H * C / G;
  float* mid = ws.zeros<float>(S * G * R);
  for (std::int64_t g = 0; g < G; ++g) {
    bf16_linear_cpu({o + g * group_in, w.wo_a + g * R * group_in, mid + g * R, S, group_in, R, H * C, G * R, true});
  }
  quant_linear(w.wo_b, mid, S, out);
  return ok_status();
}

}  // namespace seek::engine::layers
