// mHC: the Sinkhorn split gives a (near) doubly-stochastic comb and gates in range, and the
// FP32 CPU path of hc_pre / hc_post / hc_head matches the double reference; the CUDA
// kernels match it too when a GPU is present.
#include "engine/ops/mhc.h"

#include <gtest/gtest.h>

#include <random>
#include <vector>

#include "engine/checkpoint/quant.h"
#include "tests/support/compare.h"

namespace seek::engine {
namespace {

std::vector<float> random_bf16(std::size_t n, std::mt19937& rng, float stddev, float mean = 0.0f) {
  std::normal_distribution<float> dist(mean, stddev);
  std::vector<float> v(n);
  for (auto& x : v) x = quant::bf16_to_float(quant::float_to_bf16(dist(rng)));
  return v;
}

struct PreCase {
  std::vector<float> x, fn, scale, base, y, post, comb;
  MhcPreParams params;
};

PreCase make_pre(std::int64_t tokens, std::int64_t hc, std::int64_t dim, std::uint32_t seed) {
  std::mt19937 rng(seed);
  const auto mix = static_cast<std::size_t>((2 + hc) * hc), width = static_cast<std::size_t>(hc * dim);
  PreCase c;
  c.x = random_bf16(static_cast<std::size_t>(tokens) * width, rng, 1.0f);
  c.fn = random_bf16(mix * width, rng, 1.0f / std::sqrt(static_cast<float>(width)));
  c.scale = random_bf16(3, rng, 0.2f, 1.0f);
  c.base = random_bf16(mix, rng, 0.3f);
  c.y.assign(static_cast<std::size_t>(tokens * dim), 0);
  c.post.assign(static_cast<std::size_t>(tokens * hc), 0);
  c.comb.assign(static_cast<std::size_t>(tokens * hc * hc), 0);
  c.params = {c.x.data(), c.fn.data(), c.scale.data(), c.base.data(), c.y.data(), c.post.data(), c.comb.data(),
              tokens, hc, dim, 20, 1e-6f, 1e-6f};
  return c;
}

TEST(Mhc, SinkhornGivesADoublyStochasticComb) {
  std::mt19937 rng(1);
  std::normal_distribution<float> dist(0.0f, 2.0f);
  const std::int64_t hc = 4;
  std::vector<float> mixes(24), scale = {1.0f, 1.0f, 1.0f}, base(24, 0.0f), pre(4), post(4), comb(16);
  for (auto& v : mixes) v = dist(rng);
  hc_split_sinkhorn_reference(mixes.data(), scale.data(), base.data(), hc, 20, 1e-6f, pre.data(), post.data(), comb.data());
  for (int j = 0; j < 4; ++j) {
    float row = 0, col = 0;
    for (int k = 0; k < 4; ++k) {
      row += comb[j * 4 + k];
      col += comb[k * 4 + j];
    }
    EXPECT_NEAR(row, 1.0f, 1e-3f);
    EXPECT_NEAR(col, 1.0f, 1e-5f);  // the last step normalises columns
    EXPECT_GT(pre[j], 0.0f);
    EXPECT_LT(pre[j], 1.0f + 1e-5f);
    EXPECT_GT(post[j], 0.0f);
    EXPECT_LT(post[j], 2.0f);
  }
}

TEST(Mhc, CpuMatchesTheReference) {
  for (auto [tokens, hc, dim] : {std::tuple{1, 4, 64}, {5, 4, 130}, {3, 2, 256}}) {
    PreCase want = make_pre(tokens, hc, dim, 7), got = make_pre(tokens, hc, dim, 7);
    mhc_pre_reference(want.params);
    mhc_pre_cpu(got.params);
    EXPECT_TRUE(testing::compare_floats(want.y, got.y, 1e-4, 8e-3, dim).ok) << "hc_pre y";
    auto post = testing::compare_floats(want.post, got.post, 1e-5, 1e-4, hc);
    EXPECT_TRUE(post.ok) << post.report;
    auto comb = testing::compare_floats(want.comb, got.comb, 1e-5, 1e-3, hc * hc);
    EXPECT_TRUE(comb.ok) << comb.report;

    std::mt19937 rng(3);
    auto f = random_bf16(static_cast<std::size_t>(tokens * dim), rng, 1.0f);
    std::vector<float> y_want(static_cast<std::size_t>(tokens * hc * dim)), y_got(y_want.size());
    MhcPostParams post_params{f.data(), want.x.data(), want.post.data(), want.comb.data(), y_want.data(), tokens, hc, dim};
    mhc_post_reference(post_params);
    post_params.y = y_got.data();
    mhc_post_cpu(post_params);
    auto r = testing::compare_floats(y_want, y_got, 1e-4, 8e-3, dim);
    EXPECT_TRUE(r.ok) << "hc_post: " << r.report;

    auto head_fn = random_bf16(static_cast<std::size_t>(hc * hc * dim), rng, 0.05f);
    std::vector<float> head_scale = {0.7f}, head_base(static_cast<std::size_t>(hc), 0.1f);
    std::vector<float> h_want(static_cast<std::size_t>(tokens * dim)), h_got(h_want.size());
    MhcHeadParams head{want.x.data(), head_fn.data(), head_scale.data(), head_base.data(), h_want.data(), tokens, hc, dim};
    mhc_head_reference(head);
    head.y = h_got.data();
    mhc_head_cpu(head);
    r = testing::compare_floats(h_want, h_got, 1e-4, 8e-3, dim);
    EXPECT_TRUE(r.ok) << "hc_head: " << r.report;
  }
}

TEST(Mhc, CudaMatchesTheReference) {
  PreCase want = make_pre(4, 4, 192, 5), got = make_pre(4, 4, 192, 5);
  mhc_pre_reference(want.params);
  const Status status = mhc_pre_cuda_from_host(got.params);
  if (!status.ok() && (status.error().code == ErrorCode::kUnavailable || status.error().code == ErrorCode::kUnsupported)) {
    GTEST_SKIP() << status.error().message;
  }
  ASSERT_TRUE(status.ok()) << status.error().message;
  EXPECT_TRUE(testing::compare_floats(want.y, got.y, 1e-4, 8e-3, 192).ok);
  EXPECT_TRUE(testing::compare_floats(want.comb, got.comb, 1e-5, 1e-3, 16).ok);
  std::vector<float> y_want(4 * 4 * 192), y_got(y_want.size());
  MhcPostParams post{want.y.data(), want.x.data(), want.post.data(), want.comb.data(), y_want.data(), 4, 4, 192};
  mhc_post_reference(post);
  post.y = y_got.data();
  ASSERT_TRUE(mhc_post_cuda_from_host(post).ok());
  EXPECT_TRUE(testing::compare_floats(y_want, y_got, 1e-4, 8e-3, 192).ok);
}

}  // namespace
}  // namespace seek::engine
