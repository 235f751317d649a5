// The MoE sublayer (model.py MoE / Gate / Expert): FP32 gate, routed experts in expert-index
// order accumulated in FP32, the shared expert added last, the sum rounded to BF16. Scratch
// comes from the workspace, so a decode step allocates nothing.
#include <algorithm>

#include "engine/model/layers.h"
#include "engine/ops/moe.h"

namespace seek::engine::layers {
namespace {

// One expert (SwiGLU FFN) on `rows` tokens: out [rows, D] BF16 values.
void expert(const ModelConfig& c, const ExpertWeights& e, const float* x, std::int64_t rows, const float* routing_weight,
            ScratchArena& ws, float* out) {
  ScratchArena::Scope scope(ws);
  const std::int64_t F = c.moe_inter_dim;
  float* gate = ws.alloc<float>(rows * F);
  float* up = ws.alloc<float>(rows * F);
  float* h = ws.alloc<float>(rows * F);
  quant_linear(e.w1, x, rows, gate);
  quant_linear(e.w3, x, rows, up);
  swiglu_cpu({gate, up, routing_weight, static_cast<float>(c.swiglu_limit), h, rows, F});
  quant_linear(e.w2, h, rows, out);
}

}  // namespace

Status moe_forward(const ModelConfig& c, const MoeWeights& mw, const float* x, const std::int32_t* tokens, std::int64_t S,
                   ScratchArena& ws, float* out) {
  ScratchArena::Scope scope(ws);
  const std::int64_t D = c.dim, K = c.n_activated_experts, E = c.n_routed_experts;
  std::int32_t* indices = ws.alloc<std::int32_t>(S * K);
  float* weights = ws.alloc<float>(S * K);
  MoeGateParams gate;
  gate.x = x;
  gate.weight = mw.gate;
  gate.bias = mw.bias;
  gate.tid2eid = mw.tid2eid;
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
  gate.indices = indices;
  gate.weights = weights;
  SEEK_RETURN_IF_ERROR(moe_gate_cpu(gate));

  float* y = ws.zeros<float>(S * D);  // FP32 accumulator
  // Each token picks an expert at most once, so an expert sees at most S rows.
  float* rows_x = ws.alloc<float>(S * D);
  float* rows_w = ws.alloc<float>(S);
  std::int64_t* rows_t = ws.alloc<std::int64_t>(S);
  float* part = ws.alloc<float>(S * D);
  for (std::int64_t e = 0; e < E; ++e) {
    std::int64_t n = 0;
    for (std::int64_t t = 0; t < S; ++t) {
      for (std::int64_t k = 0; k < K; ++k) {
        if (indices[t * K + k] != e) continue;
        rows_t[n] = t;
        std::copy_n(x + t * D, D, rows_x + n * D);
        rows_w[n] = weights[t * K + k];
        ++n;
      }
    }
    if (n == 0) continue;
    expert(c, mw.experts[static_cast<std::size_t>(e)], rows_x, n, rows_w, ws, part);
    for (std::int64_t i = 0; i < n; ++i) {
      for (std::int64_t d = 0; d < D; ++d) y[rows_t[i] * D + d] += part[i * D + d];
    }
  }
  float* shared = ws.alloc<float>(S * D);
  expert(c, mw.shared, x, S, nullptr, ws, shared);
  for (std::int64_t i = 0; i < S * D; ++i) out[i] = y[i] + shared[i];
  round_bf16(out, S * D);
  return ok_status();
}

}  // namespace seek::engine::layers
