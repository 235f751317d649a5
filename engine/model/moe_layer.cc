// The MoE sublayer (model.py MoE / Gate / Expert): FP32 gate, routed experts in expert-index
// order accumulated in FP32, the shared expert added last, the sum rounded to BF16.
#include <algorithm>
#include <vector>

#include "engine/model/inventory.h"
#include "engine/model/layers.h"
#include "engine/ops/moe.h"

namespace seek::engine::layers {
namespace {

// One expert (SwiGLU FFN) on `rows` tokens: returns [rows, D] BF16 values.
std::vector<float> expert(ModelWeights& w, const std::string& prefix, const float* x, std::int64_t rows,
                          const float* routing_weight) {
  const ModelConfig& c = w.config();
  const std::int64_t F = c.moe_inter_dim, D = c.dim;
  std::vector<float> gate(static_cast<std::size_t>(rows * F)), up(gate.size()), h(gate.size()), out(static_cast<std::size_t>(rows * D));
  quant_linear(w.linear(prefix + ".w1"), x, rows, gate.data());
  quant_linear(w.linear(prefix + ".w3"), x, rows, up.data());
  swiglu_cpu({gate.data(), up.data(), routing_weight, static_cast<float>(c.swiglu_limit), h.data(), rows, F});
  quant_linear(w.linear(prefix + ".w2"), h.data(), rows, out.data());
  return out;
}

}  // namespace

Status moe_forward(ModelWeights& w, std::int64_t layer, const float* x, const std::int32_t* tokens, std::int64_t S,
                   float* out) {
  const ModelConfig& c = w.config();
  const std::string p = block_prefix(c, layer) + ".ffn";
  const std::int64_t D = c.dim, K = c.n_activated_experts, E = c.n_routed_experts;
  std::vector<std::int32_t> indices(static_cast<std::size_t>(S * K));
  std::vector<float> weights(indices.size());
  MoeGateParams gate;
  gate.x = x;
  gate.weight = w.widened(p + ".gate.weight").data();
  const bool hash = layer < c.n_hash_layers;
  gate.bias = hash ? nullptr : w.f32(p + ".gate.bias");
  gate.tid2eid = hash ? w.i64(p + ".gate.tid2eid") : nullptr;
  gate.token_ids = tokens;
  gate.vocab = c.vocab_size;
  gate.score_func = c.score_func == "softmax" ? ScoreFunc::kSoftmax
                    : c.score_func == "sigmoid" ? ScoreFunc::kSigmoid
                                                : ScoreFunc::kSqrtSoftplus;
  gate.route_scale = static_cast<float>(c.route_scale);
  gate.tokens = S;
  gate.dim = D;
  gate.experts = E;
  gate.topk = K;
  gate.indices = indices.data();
  gate.weights = weights.data();
  SEEK_RETURN_IF_ERROR(moe_gate_cpu(gate));

  std::vector<float> y(static_cast<std::size_t>(S * D), 0.0f);  // FP32 accumulator
  std::vector<float> rows_x, rows_w;
  std::vector<std::int64_t> rows_t;
  for (std::int64_t e = 0; e < E; ++e) {
    rows_x.clear();
    rows_w.clear();
    rows_t.clear();
    for (std::int64_t t = 0; t < S; ++t) {
      for (std::int64_t k = 0; k < K; ++k) {
        if (indices[static_cast<std::size_t>(t * K + k)] != e) continue;
        rows_t.push_back(t);
        rows_x.insert(rows_x.end(), x + t * D, x + (t + 1) * D);
        rows_w.push_back(weights[static_cast<std::size_t>(t * K + k)]);
      }
    }
    if (rows_t.empty()) continue;
    const auto n = static_cast<std::int64_t>(rows_t.size());
    const auto part = expert(w, p + ".experts." + std::to_string(e), rows_x.data(), n, rows_w.data());
    for (std::int64_t i = 0; i < n; ++i) {
      for (std::int64_t d = 0; d < D; ++d) y[static_cast<std::size_t>(rows_t[i] * D + d)] += part[static_cast<std::size_t>(i * D + d)];
    }
  }
  const auto shared = expert(w, p + ".shared_experts", x, S, nullptr);
  for (std::size_t i = 0; i < y.size(); ++i) y[i] += shared[i];
  std::copy(y.begin(), y.end(), out);
  round_bf16(out, S * D);
  return ok_status();
}

}  // namespace seek::engine::layers
