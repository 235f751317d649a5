// MoE gate and SwiGLU on the CPU (see ops/moe.h).
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <numeric>
#include <vector>

#include "engine/checkpoint/quant.h"
#include "engine/ops/moe.h"

namespace seek::engine {
namespace {

// torch's softplus: x above the threshold 20 is returned as is.
template <class T>
T softplus(T x) {
  return x > T(20) ? x : std::log1p(std::exp(x));
}

template <class T>
Status gate_impl(const MoeGateParams& p) {
  SEEK_RETURN_IF_ERROR(validate(p));
  thread_local std::vector<T> scores, choice;  // reused: no allocation per call once warm
  thread_local std::vector<std::int32_t> order;
  scores.resize(static_cast<std::size_t>(p.experts));
  choice.resize(scores.size());
  order.resize(scores.size());
  for (std::int64_t t = 0; t < p.tokens; ++t) {
    const float* x = p.x + t * p.dim;
    for (std::int64_t e = 0; e < p.experts; ++e) {
      T acc = 0;
      for (std::int64_t d = 0; d < p.dim; ++d) acc += static_cast<T>(x[d]) * p.weight[e * p.dim + d];
      scores[static_cast<std::size_t>(e)] = acc;
    }
    switch (p.score_func) {
      case ScoreFunc::kSqrtSoftplus:
        for (auto& s : scores) s = std::sqrt(softplus(s));
        break;
      case ScoreFunc::kSigmoid:
        for (auto& s : scores) s = T(1) / (T(1) + std::exp(-s));
        break;
      case ScoreFunc::kSoftmax: {
        const T m = *std::max_element(scores.begin(), scores.end());
        T sum = 0;
        for (auto& s : scores) sum += (s = std::exp(s - m));
        for (auto& s : scores) s /= sum;
        break;
      }
    }
    std::int32_t* idx = p.indices + t * p.topk;
    if (p.tid2eid) {
      const std::int32_t token = p.token_ids[t];
      if (token < 0 || token >= p.vocab) {
        return make_error(ErrorCode::kInvalidArgument, fmt::format("moe_gate: token id {} outside the vocabulary", token));
      }
      for (std::int64_t k = 0; k < p.topk; ++k) {
        const std::int64_t e = p.tid2eid[static_cast<std::int64_t>(token) * p.topk + k];
        if (e < 0 || e >= p.experts) {
          return make_error(ErrorCode::kCorrupt, fmt::format("moe_gate: tid2eid[{}] names expert {} of {}", token, e, p.experts));
        }
        idx[k] = static_cast<std::int32_t>(e);
      }
    } else {
      for (std::int64_t e = 0; e < p.experts; ++e) {
        choice[static_cast<std::size_t>(e)] = scores[static_cast<std::size_t>(e)] + (p.bias ? T(p.bias[e]) : T(0));
      }
      std::iota(order.begin(), order.end(), 0);
      // Highest first; on a tie the lower expert index wins.
      std::partial_sort(order.begin(), order.begin() + p.topk, order.end(), [&](std::int32_t a, std::int32_t b) {
        return choice[static_cast<std::size_t>(a)] != choice[static_cast<std::size_t>(b)]
                   ? choice[static_cast<std::size_t>(a)] > choice[static_cast<std::size_t>(b)]
                   : a < b;
      });
      std::copy(order.begin(), order.begin() + p.topk, idx);
    }
    T sum = 0;
    for (std::int64_t k = 0; k < p.topk; ++k) sum += scores[static_cast<std::size_t>(idx[k])];
    for (std::int64_t k = 0; k < p.topk; ++k) {
      T w = scores[static_cast<std::size_t>(idx[k])];
      if (p.score_func != ScoreFunc::kSoftmax) w /= sum;
      p.weights[t * p.topk + k] = static_cast<float>(w * T(p.route_scale));
    }
  }
  return ok_status();
}

template <class T>
void swiglu_impl(const SwigluParams& p) {
  for (std::int64_t t = 0; t < p.tokens; ++t) {
    const T w = p.weight ? T(p.weight[t]) : T(1);
    for (std::int64_t i = 0; i < p.inter; ++i) {
      T gate = p.gate[t * p.inter + i], up = p.up[t * p.inter + i];
      if (p.limit > 0) {
        up = std::clamp(up, T(-p.limit), T(p.limit));
        gate = std::min(gate, T(p.limit));
      }
      const T silu = gate / (T(1) + std::exp(-gate));
      const T h = p.weight ? w * (silu * up) : silu * up;
      p.h[t * p.inter + i] = quant::bf16_to_float(quant::float_to_bf16(static_cast<float>(h)));
    }
  }
}

}  // namespace

Status validate(const MoeGateParams& p) {
  if (p.tokens < 0 || p.dim <= 0 || p.experts <= 0 || p.topk <= 0 || p.topk > p.experts) {
    return make_error(ErrorCode::kInvalidArgument, fmt::format("moe_gate: bad shape tokens={} dim={} experts={} topk={}",
                                                               p.tokens, p.dim, p.experts, p.topk));
  }
  if (p.tokens > 0 && (!p.x || !p.weight || !p.indices || !p.weights)) {
    return make_error(ErrorCode::kInvalidArgument, "moe_gate: null pointer");
  }
  if (p.tid2eid && (!p.token_ids || p.vocab <= 0)) {
    return make_error(ErrorCode::kInvalidArgument, "moe_gate: hash routing needs token ids and the vocabulary size");
  }
  return ok_status();
}

Status moe_gate_reference(const MoeGateParams& p) { return gate_impl<double>(p); }
Status moe_gate_cpu(const MoeGateParams& p) { return gate_impl<float>(p); }

Status validate(const SwigluParams& p) {
  if (p.tokens < 0 || p.inter <= 0) return make_error(ErrorCode::kInvalidArgument, "swiglu: bad shape");
  if (p.tokens > 0 && (!p.gate || !p.up || !p.h)) return make_error(ErrorCode::kInvalidArgument, "swiglu: null pointer");
  return ok_status();
}

void swiglu_reference(const SwigluParams& p) { swiglu_impl<double>(p); }
void swiglu_cpu(const SwigluParams& p) { swiglu_impl<float>(p); }

}  // namespace seek::engine
