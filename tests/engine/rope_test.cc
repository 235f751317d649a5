// RoPE: frequencies as torch computes them (plain and YaRN), rotations that preserve pair
// norms and invert exactly up to BF16, the FP32 path against the double reference, and the
// CUDA kernel when a GPU is present.
#include "engine/ops/rope.h"

#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <vector>

#include "tests/support/compare.h"

namespace seek::engine {
namespace {

TEST(Rope, FrequenciesPlainAndYarn) {
  auto plain = rope_frequencies({64, 10000, 0, 1, 32, 1});
  ASSERT_EQ(plain.size(), 32u);
  EXPECT_FLOAT_EQ(plain[0], 1.0f);
  EXPECT_NEAR(plain[16], std::pow(10000.0, -0.5), 1e-7);
  // YaRN (V4 compressed layers): the fastest dims keep their frequency, the slowest are divided by the factor.
  auto yarn = rope_frequencies({64, 160000, 65536, 16, 32, 1});
  auto base = rope_frequencies({64, 160000, 0, 1, 32, 1});
  EXPECT_FLOAT_EQ(yarn[0], base[0]);
  EXPECT_NEAR(yarn[31], base[31] / 16.0f, 1e-12);
  for (std::size_t i = 1; i < yarn.size(); ++i) EXPECT_LE(yarn[i], base[i]);
}

TEST(Rope, CpuMatchesReferenceAndInverts) {
  std::mt19937 rng(2);
  std::normal_distribution<float> dist(0.0f, 1.0f);
  const std::int64_t rows = 7, heads = 3, stride = 96, offset = 32, rope_dim = 64;
  std::vector<float> x(rows * heads * stride);
  for (auto& v : x) v = dist(rng);
  std::vector<std::int64_t> positions = {0, 1, 5, 127, 128, 1000, 65535};
  const auto freqs = rope_frequencies({rope_dim, 160000, 65536, 16, 32, 1});
  auto want = x, got = x;
  RopeParams p{want.data(), positions.data(), freqs.data(), rows, heads, stride, offset, rope_dim, false, false};
  rope_reference(p);
  p.x = got.data();
  rope_cpu(p);
  auto r = testing::compare_floats(want, got, 1e-4, 1e-4, stride);
  EXPECT_TRUE(r.ok) << r.report;
  // The nope dims are untouched; the inverse brings the rope dims back.
  for (std::int64_t i = 0; i < offset; ++i) EXPECT_EQ(got[i], x[i]);
  p.inverse = true;
  rope_cpu(p);
  EXPECT_TRUE(testing::compare_floats(x, got, 1e-4, 1e-4, stride).ok);
  // Position 0 is the identity.
  for (std::int64_t i = offset; i < offset + rope_dim; ++i) EXPECT_EQ(want[i], x[i]);

  auto cuda = x;
  p.x = cuda.data();
  p.inverse = false;
  const Status status = rope_cuda_from_host(p);
  if (status.ok()) {
    EXPECT_TRUE(testing::compare_floats(want, cuda, 1e-4, 1e-4, stride).ok);
  } else {
    EXPECT_TRUE(status.error().code == ErrorCode::kUnavailable || status.error().code == ErrorCode::kUnsupported)
        << status.error().message;
  }
}

}  // namespace
}  // namespace seek::engine
