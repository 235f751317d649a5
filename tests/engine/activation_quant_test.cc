// Round trips and the Hadamard rotation: values land on the FP8/FP4 grids of their block
// scale, an FP8 round trip of BF16 values is idempotent, the rotation is orthonormal (a
// second application restores the input up to BF16) and matches a dense Hadamard matrix.
#include "engine/ops/activation_quant.h"

#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <vector>

#include "engine/checkpoint/quant.h"
#include "tests/support/compare.h"

namespace seek::engine {
namespace {

std::vector<float> random_bf16(std::size_t n, std::uint32_t seed) {
  std::mt19937 rng(seed);
  std::normal_distribution<float> dist(0.0f, 3.0f);
  std::vector<float> v(n);
  for (auto& x : v) x = quant::bf16_to_float(quant::float_to_bf16(dist(rng)));
  return v;
}

TEST(ActivationQuant, Fp8RoundTripIsIdempotentAndOnTheGrid) {
  auto x = random_bf16(3 * 128, 1);
  ASSERT_TRUE(fp8_round_trip(x.data(), 3, 128, 128, 64).ok());
  auto again = x;
  ASSERT_TRUE(fp8_round_trip(again.data(), 3, 128, 128, 64).ok());
  EXPECT_EQ(x, again);
  EXPECT_FALSE(fp8_round_trip(x.data(), 1, 100, 128, 64).ok());
}

TEST(ActivationQuant, Fp4RoundTripKeepsAtMostEightMagnitudesPerBlock) {
  auto x = random_bf16(64, 2);
  ASSERT_TRUE(fp4_round_trip(x.data(), 1, 64, 64).ok());
  for (int b = 0; b < 2; ++b) {
    std::vector<float> magnitudes;
    for (int i = 0; i < 32; ++i) {
      const float m = std::fabs(x[b * 32 + i]);
      if (std::find(magnitudes.begin(), magnitudes.end(), m) == magnitudes.end()) magnitudes.push_back(m);
    }
    EXPECT_LE(magnitudes.size(), 8u);
  }
}

TEST(ActivationQuant, HadamardIsOrthonormalAndMatchesTheMatrix) {
  const std::int64_t n = 128;
  auto x = random_bf16(static_cast<std::size_t>(2 * n), 3);
  auto ref = x, fast = x;
  ASSERT_TRUE(hadamard_reference(ref.data(), 2, n).ok());
  ASSERT_TRUE(hadamard_cpu(fast.data(), 2, n).ok());
  EXPECT_TRUE(testing::compare_floats(ref, fast, 1e-3, 1e-2, n).ok);
  // Dense Sylvester matrix: H[i][j] = (-1)^popcount(i & j) / sqrt(n).
  for (std::int64_t i = 0; i < n; i += 17) {
    double acc = 0;
    for (std::int64_t j = 0; j < n; ++j) acc += ((__builtin_popcountll(i & j) & 1) ? -1.0 : 1.0) * x[static_cast<std::size_t>(j)];
    EXPECT_NEAR(ref[static_cast<std::size_t>(i)], acc / std::sqrt(static_cast<double>(n)), 2e-2 * (std::fabs(acc) / 11 + 1));
  }
  auto back = ref;
  ASSERT_TRUE(hadamard_reference(back.data(), 2, n).ok());
  EXPECT_TRUE(testing::compare_floats(x, back, 5e-2, 2e-2, n).ok);
  EXPECT_FALSE(hadamard_cpu(x.data(), 1, 96).ok());
}

}  // namespace
}  // namespace seek::engine
