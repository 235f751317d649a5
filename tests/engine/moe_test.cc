// MoE gate and SwiGLU: the bias only chooses, hash layers read tid2eid, weights renormalise
// and scale, ties go to the lower index, clamps apply; the FP32 path matches the reference.
#include "engine/ops/moe.h"

#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <vector>

#include "tests/support/compare.h"

namespace seek::engine {
namespace {

TEST(MoeGate, BiasChoosesButDoesNotWeigh) {
  // One token, dim 1, x = 1: raw scores are the weights themselves.
  const std::vector<float> x = {1.0f}, w = {0.5f, 2.0f, 1.0f, -1.0f};
  const std::vector<float> bias = {3.0f, 0.0f, 0.0f, 0.0f};  // pushes expert 0 into the top 2
  std::vector<std::int32_t> idx(2);
  std::vector<float> weights(2);
  MoeGateParams p{x.data(), w.data(), bias.data(), nullptr, nullptr, 0, ScoreFunc::kSqrtSoftplus, 1.5f, 1, 1, 4, 2,
                  idx.data(), weights.data()};
  ASSERT_TRUE(moe_gate_reference(p).ok());
  EXPECT_EQ(idx[0], 0);
  EXPECT_EQ(idx[1], 1);
  const double s0 = std::sqrt(std::log1p(std::exp(0.5))), s1 = std::sqrt(std::log1p(std::exp(2.0)));
  EXPECT_NEAR(weights[0], 1.5 * s0 / (s0 + s1), 1e-6);  // weights from the unbiased scores
  EXPECT_NEAR(weights[1], 1.5 * s1 / (s0 + s1), 1e-6);
}

TEST(MoeGate, TiesGoToTheLowerIndexAndHashLayersUseTheTable) {
  const std::vector<float> x = {1.0f}, w = {1.0f, 1.0f, 1.0f, 1.0f};
  std::vector<std::int32_t> idx(2);
  std::vector<float> weights(2);
  MoeGateParams p{x.data(), w.data(), nullptr, nullptr, nullptr, 0, ScoreFunc::kSqrtSoftplus, 1.0f, 1, 1, 4, 2,
                  idx.data(), weights.data()};
  ASSERT_TRUE(moe_gate_cpu(p).ok());
  EXPECT_EQ(idx[0], 0);
  EXPECT_EQ(idx[1], 1);
  const std::vector<std::int64_t> tid2eid = {3, 1, 2, 0};  // vocab 2, top-2
  const std::vector<std::int32_t> token = {1};
  p.tid2eid = tid2eid.data();
  p.token_ids = token.data();
  p.vocab = 2;
  ASSERT_TRUE(moe_gate_cpu(p).ok());
  EXPECT_EQ(idx[0], 2);
  EXPECT_EQ(idx[1], 0);
  EXPECT_NEAR(weights[0] + weights[1], 1.0f, 1e-6);
  const std::vector<std::int32_t> bad_token = {5};
  p.token_ids = bad_token.data();
  EXPECT_FALSE(moe_gate_cpu(p).ok());
}

TEST(MoeGate, CpuMatchesTheReferenceOnRandomInputs) {
  std::mt19937 rng(4);
  std::normal_distribution<float> dist(0.0f, 1.0f);
  const std::int64_t tokens = 64, dim = 96, experts = 16, topk = 4;
  std::vector<float> x(tokens * dim), w(experts * dim), bias(experts);
  for (auto& v : x) v = dist(rng);
  for (auto& v : w) v = dist(rng) / std::sqrt(static_cast<float>(dim));
  for (auto& v : bias) v = dist(rng) * 0.01f;
  std::vector<std::int32_t> idx_want(tokens * topk), idx_got(tokens * topk);
  std::vector<float> w_want(tokens * topk), w_got(tokens * topk);
  MoeGateParams p{x.data(), w.data(), bias.data(), nullptr, nullptr, 0, ScoreFunc::kSqrtSoftplus, 1.5f, tokens, dim,
                  experts, topk, idx_want.data(), w_want.data()};
  ASSERT_TRUE(moe_gate_reference(p).ok());
  p.indices = idx_got.data();
  p.weights = w_got.data();
  ASSERT_TRUE(moe_gate_cpu(p).ok());
  int differing = 0;
  for (std::size_t i = 0; i < idx_want.size(); ++i) differing += idx_want[i] != idx_got[i];
  EXPECT_LE(differing, 2) << "a choice may flip only on a near-tie";
  if (differing == 0) {
    EXPECT_TRUE(testing::compare_floats(w_want, w_got, 1e-6, 1e-5).ok);
  }
}

TEST(Swiglu, ClampsAndWeighs) {
  const std::vector<float> gate = {20.0f, -1.0f}, up = {50.0f, 2.0f}, weight = {0.5f};
  std::vector<float> h(2);
  SwigluParams p{gate.data(), up.data(), weight.data(), 10.0f, h.data(), 1, 2};
  swiglu_reference(p);
  const double silu10 = 10.0 / (1.0 + std::exp(-10.0)), silu_m1 = -1.0 / (1.0 + std::exp(1.0));
  EXPECT_NEAR(h[0], 0.5 * silu10 * 10.0, 0.05);  // gate clamped to 10, up clamped to 10
  EXPECT_NEAR(h[1], 0.5 * silu_m1 * 2.0, 0.01);
  std::vector<float> h2(2);
  p.h = h2.data();
  swiglu_cpu(p);
  EXPECT_TRUE(testing::compare_floats(h, h2, 1e-6, 8e-3).ok);
}

}  // namespace
}  // namespace seek::engine
