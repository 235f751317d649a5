// Sparse attention on the CPU (see ops/sparse_attention.h): the reference follows the
// kernel's block order with double sums; the fast path does the same in FP32.
#include <fmt/format.h>

#include <cmath>
#include <limits>
#include <vector>

#include "engine/checkpoint/quant.h"
#include "engine/ops/sparse_attention.h"
#include "engine/cpu/thread_pool.h"

namespace seek::engine {
namespace {

constexpr std::int64_t kBlock = 64;

float bf16(float v) { return quant::bf16_to_float(quant::float_to_bf16(v)); }

template <class T>
void attend(const SparseAttentionParams& p, std::int64_t t) {
  thread_local std::vector<T> acc, scores;  // reused: no allocation per call once warm
  acc.resize(static_cast<std::size_t>(p.dim));
  scores.resize(kBlock);
  const std::int32_t* idx = p.indices + t * p.topk;
  for (std::int64_t h = 0; h < p.heads; ++h) {
    const float* q = p.q + (t * p.heads + h) * p.dim;
    std::fill(acc.begin(), acc.end(), T(0));
    T running_max = -std::numeric_limits<T>::infinity(), sum_exp = 0;
    for (std::int64_t start = 0; start < p.topk; start += kBlock) {
      const std::int64_t count = std::min(kBlock, p.topk - start);
      T block_max = running_max;
      for (std::int64_t j = 0; j < kBlock; ++j) {
        const std::int32_t row = j < count ? idx[start + j] : -1;
        if (row < 0) {
          scores[static_cast<std::size_t>(j)] = -std::numeric_limits<T>::infinity();
          continue;
        }
        const float* k = p.kv + static_cast<std::int64_t>(row) * p.dim;
        T dot = 0;
        for (std::int64_t d = 0; d < p.dim; ++d) dot += static_cast<T>(q[d]) * k[d];
        scores[static_cast<std::size_t>(j)] = dot * T(p.scale);
        block_max = std::max(block_max, scores[static_cast<std::size_t>(j)]);
      }
      if (block_max == -std::numeric_limits<T>::infinity()) continue;  // nothing valid yet
      const T rescale = std::exp(running_max - block_max);
      running_max = block_max;
      T block_sum = 0;
      for (auto& s : scores) {
        s = std::exp(s - running_max);
        block_sum += s;
      }
      sum_exp = sum_exp * rescale + block_sum;
      for (auto& a : acc) a *= rescale;
      for (std::int64_t j = 0; j < count; ++j) {
        const std::int32_t row = idx[start + j];
        if (row < 0) continue;
        // The kernel multiplies V by the BF16-rounded probability.
        const T prob = bf16(static_cast<float>(scores[static_cast<std::size_t>(j)]));
        const float* v = p.kv + static_cast<std::int64_t>(row) * p.dim;
        for (std::int64_t d = 0; d < p.dim; ++d) acc[static_cast<std::size_t>(d)] += prob * v[d];
      }
    }
    sum_exp += std::exp(T(p.sink[h]) - running_max);
    float* o = p.out + (t * p.heads + h) * p.dim;
    for (std::int64_t d = 0; d < p.dim; ++d) o[d] = bf16(static_cast<float>(acc[static_cast<std::size_t>(d)] / sum_exp));
  }
}

}  // namespace

Status validate(const SparseAttentionParams& p) {
  if (p.tokens < 0 || p.heads <= 0 || p.dim <= 0 || p.rows < 0 || p.topk < 0) {
    return make_error(ErrorCode::kInvalidArgument, "sparse_attention: bad shape");
  }
  if (p.tokens > 0 && (!p.q || !p.kv || !p.sink || !p.indices || !p.out)) {
    return make_error(ErrorCode::kInvalidArgument, "sparse_attention: null pointer");
  }
  for (std::int64_t i = 0; i < p.tokens * p.topk; ++i) {
    if (p.indices[i] < -1 || p.indices[i] >= p.rows) {
      return make_error(ErrorCode::kInvalidArgument,
                        fmt::format("sparse_attention: index {} at {} outside [-1, {})", p.indices[i], i, p.rows));
    }
  }
  return ok_status();
}

void sparse_attention_reference(const SparseAttentionParams& p) {
  for (std::int64_t t = 0; t < p.tokens; ++t) attend<double>(p, t);
}

void sparse_attention_cpu(const SparseAttentionParams& p) {
  ThreadPool::global().parallel_for(p.tokens, [&](std::int64_t begin, std::int64_t end) {
    for (std::int64_t t = begin; t < end; ++t) attend<float>(p, t);
  });
}

}  // namespace seek::engine
