// MoE routing and the SwiGLU expert activation, as the official Gate / Expert compute them:
//  gate:   s = x @ W^T (FP32); score = sqrt(softplus(s)) (or sigmoid / softmax); the bias,
//          when present, is added for choosing the top-k only; hash layers take the experts
//          from tid2eid[token]; weights = score[chosen] / sum (not for softmax) * route_scale.
//          Top-k ties go to the lower expert index.
//  swiglu: gate = min(g, limit), up = clamp(u, -limit, limit) (limit > 0), h = silu(gate) * up
//          * routing weight, rounded to BF16 before w2.
#pragma once

#include <cstdint>

#include "base/result.h"

namespace seek::engine {

enum class ScoreFunc { kSqrtSoftplus, kSigmoid, kSoftmax };

struct MoeGateParams {
  const float* x = nullptr;          ///< [tokens, dim]
  const float* weight = nullptr;     ///< [experts, dim]
  const float* bias = nullptr;       ///< [experts] or nullptr (hash layers)
  const std::int64_t* tid2eid = nullptr;  ///< [vocab, topk] for hash layers, else nullptr
  const std::int32_t* token_ids = nullptr;  ///< [tokens], needed with tid2eid
  std::int64_t vocab = 0;
  ScoreFunc score_func = ScoreFunc::kSqrtSoftplus;
  float route_scale = 1.0f;
  std::int64_t tokens = 0, dim = 0, experts = 0, topk = 0;
  std::int32_t* indices = nullptr;   ///< [tokens, topk] chosen experts (in top-k order)
  float* weights = nullptr;          ///< [tokens, topk] routing weights
};

Status validate(const MoeGateParams& p);
/// The reference (double scores). An out-of-range token id or expert id is an error.
Status moe_gate_reference(const MoeGateParams& p);
/// The FP32 path (the one the engine runs).
Status moe_gate_cpu(const MoeGateParams& p);

struct SwigluParams {
  const float* gate = nullptr;    ///< [tokens, inter] output of w1
  const float* up = nullptr;      ///< [tokens, inter] output of w3
  const float* weight = nullptr;  ///< [tokens] routing weight, or nullptr (shared expert)
  float limit = 0.0f;             ///< swiglu_limit; 0 disables the clamps
  float* h = nullptr;             ///< [tokens, inter], BF16 values
  std::int64_t tokens = 0, inter = 0;
};

Status validate(const SwigluParams& p);
void swiglu_reference(const SwigluParams& p);
void swiglu_cpu(const SwigluParams& p);

}  // namespace seek::engine
