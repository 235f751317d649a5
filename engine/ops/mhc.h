// mHC (manifold-constrained hyper-connections): the residual stream is hc_mult copies of
// the hidden state. Around each sublayer (official Block.hc_pre / hc_post, kernel.py
// hc_split_sinkhorn) and at the head (ParallelHead.hc_head):
//   mixes = (x_flat @ fn^T) * rsqrt(mean(x_flat^2) + norm_eps)          x_flat: [hc*d]
//   pre   = sigmoid(mixes[0:hc] * scale[0] + base[0:hc]) + hc_eps
//   post  = 2 * sigmoid(mixes[hc:2hc] * scale[1] + base[hc:2hc])
//   comb  = softmax_rows(mixes[2hc:] * scale[2] + base[2hc:]) + hc_eps, then column-normalised,
//           then (iters - 1) rounds of row- and column-normalisation, each with + hc_eps
//   hc_pre:  y = sum_h pre[h] * x[h]                          (rounded to BF16)
//   hc_post: y[k] = post[k] * f + sum_j comb[j][k] * x[j]     (rounded to BF16)
//   hc_head: pre = sigmoid(mixes * scale[0] + base) + hc_eps; y = sum_h pre[h] * x[h]
// A plain reference (double), an optimized CPU path and CUDA kernels share these params.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "base/result.h"

namespace seek::engine {

struct MhcPreParams {
  const float* x = nullptr;      ///< [tokens, hc, dim] the residual streams (BF16 values)
  const float* fn = nullptr;     ///< [(2+hc)*hc, hc*dim]
  const float* scale = nullptr;  ///< [3]
  const float* base = nullptr;   ///< [(2+hc)*hc]
  float* y = nullptr;            ///< [tokens, dim]
  float* post = nullptr;         ///< [tokens, hc]
  float* comb = nullptr;         ///< [tokens, hc, hc]
  std::int64_t tokens = 0, hc = 4, dim = 0;
  int sinkhorn_iters = 20;
  float norm_eps = 1e-6f, hc_eps = 1e-6f;
};

struct MhcPostParams {
  const float* f = nullptr;         ///< [tokens, dim] the sublayer output
  const float* residual = nullptr;  ///< [tokens, hc, dim]
  const float* post = nullptr;      ///< [tokens, hc]
  const float* comb = nullptr;      ///< [tokens, hc, hc]
  float* y = nullptr;               ///< [tokens, hc, dim]; may not alias residual
  std::int64_t tokens = 0, hc = 4, dim = 0;
};

struct MhcHeadParams {
  const float* x = nullptr;      ///< [tokens, hc, dim]
  const float* fn = nullptr;     ///< [hc, hc*dim]
  const float* scale = nullptr;  ///< [1]
  const float* base = nullptr;   ///< [hc]
  float* y = nullptr;            ///< [tokens, dim]
  std::int64_t tokens = 0, hc = 4, dim = 0;
  float norm_eps = 1e-6f, hc_eps = 1e-6f;
};

Status validate(const MhcPreParams& p);
Status validate(const MhcPostParams& p);
Status validate(const MhcHeadParams& p);

/// Sinkhorn split for one token: mixes [(2+hc)*hc] -> pre [hc], post [hc], comb [hc, hc].
void hc_split_sinkhorn_reference(const float* mixes, const float* scale, const float* base, std::int64_t hc,
                                 int iters, float eps, float* pre, float* post, float* comb);

void mhc_pre_reference(const MhcPreParams& p);
void mhc_pre_cpu(const MhcPreParams& p);
void mhc_post_reference(const MhcPostParams& p);
void mhc_post_cpu(const MhcPostParams& p);
void mhc_head_reference(const MhcHeadParams& p);
void mhc_head_cpu(const MhcHeadParams& p);

/// CUDA on host buffers (tests); kUnsupported without CUDA, kUnavailable without a GPU.
Status mhc_pre_cuda_from_host(const MhcPreParams& p);
Status mhc_post_cuda_from_host(const MhcPostParams& p);

}  // namespace seek::engine
