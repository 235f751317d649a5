// Sparse attention: with one valid index the output is that row scaled by p/(p + sink);
// invalid indices are ignored; the FP32 path matches the double reference on random
// windows crossing several 64-index blocks; the CUDA kernel too when a GPU is present.
#include "engine/ops/sparse_attention.h"

#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <vector>

#include "engine/checkpoint/quant.h"
#include "tests/support/compare.h"

namespace seek::engine {
namespace {

float bf16(float v) { return quant::bf16_to_float(quant::float_to_bf16(v)); }

TEST(SparseAttention, OneRowAndTheSink) {
  const std::vector<float> q = {1.0f, 0.0f}, kv = {2.0f, 4.0f, 9.0f, 9.0f}, sink = {0.5f};
  const std::vector<std::int32_t> idx = {0, -1};
  std::vector<float> out(2);
  SparseAttentionParams p{q.data(), kv.data(), sink.data(), idx.data(), out.data(), 1, 1, 2, 2, 2, 1.0f};
  ASSERT_TRUE(validate(p).ok());
  sparse_attention_reference(p);
  // score 2 is the max: p = 1, denominator 1 + exp(0.5 - 2).
  const float denom = 1.0f + std::exp(0.5f - 2.0f);
  EXPECT_FLOAT_EQ(out[0], bf16(2.0f / denom));
  EXPECT_FLOAT_EQ(out[1], bf16(4.0f / denom));
  const std::vector<std::int32_t> bad = {0, 7};
  p.indices = bad.data();
  EXPECT_FALSE(validate(p).ok());
}

TEST(SparseAttention, CpuMatchesTheReference) {
  std::mt19937 rng(8);
  std::normal_distribution<float> dist(0.0f, 1.0f);
  const std::int64_t tokens = 6, heads = 3, dim = 96, rows = 300, topk = 150;  // 3 blocks of 64
  std::vector<float> q(tokens * heads * dim), kv(rows * dim), sink(heads);
  for (auto& v : q) v = bf16(dist(rng));
  for (auto& v : kv) v = bf16(dist(rng));
  for (auto& v : sink) v = dist(rng);
  std::vector<std::int32_t> idx(tokens * topk);
  std::uniform_int_distribution<int> pick(-1, static_cast<int>(rows) - 1);
  for (auto& v : idx) v = pick(rng);
  for (std::int64_t t = 0; t < tokens; ++t) idx[t * topk] = static_cast<std::int32_t>(t);  // at least one valid
  std::vector<float> want(q.size()), got(q.size()), cuda(q.size());
  SparseAttentionParams p{q.data(), kv.data(), sink.data(), idx.data(), want.data(), tokens, heads, dim, rows, topk,
                          1.0f / std::sqrt(static_cast<float>(dim))};
  sparse_attention_reference(p);
  p.out = got.data();
  sparse_attention_cpu(p);
  auto r = testing::compare_floats(want, got, 1e-3, 1e-2, dim);
  EXPECT_TRUE(r.ok) << r.report;
  p.out = cuda.data();
  const Status status = sparse_attention_cuda_from_host(p);
  if (status.ok()) {
    r = testing::compare_floats(want, cuda, 1e-3, 1e-2, dim);
    EXPECT_TRUE(r.ok) << r.report;
  } else {
    EXPECT_TRUE(status.error().code == ErrorCode::kUnavailable || status.error().code == ErrorCode::kUnsupported);
  }
}

}  // namespace
}  // namespace seek::engine
