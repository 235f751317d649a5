// Number formats: every FP8/FP4 code decodes and re-encodes to itself, ties round to even,
// values saturate, BF16 rounding, the kernels' power-of-two scale, and block quantization
// reconstructs within each format's step.
#include "engine/checkpoint/quant.h"

#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <vector>

namespace seek::engine::quant {
namespace {

TEST(Quant, E4M3CodesRoundTrip) {
  for (int b = 0; b < 256; ++b) {
    const float v = e4m3_to_float(static_cast<std::uint8_t>(b));
    if (std::isnan(v)) continue;
    if (v == 0 && b == 0x80) continue;  // -0 encodes as 0x80 too; checked below
    EXPECT_EQ(float_to_e4m3(v), b) << "code " << b << " value " << v;
  }
  EXPECT_EQ(float_to_e4m3(-0.0f), 0x80);
  EXPECT_EQ(e4m3_to_float(0x7E), 448.0f);
  EXPECT_EQ(e4m3_to_float(0x01), std::ldexp(1.0f, -9));
  EXPECT_EQ(float_to_e4m3(1000.0f), 0x7E);
  EXPECT_EQ(float_to_e4m3(-1000.0f), 0xFE);
  // Ties to even: 1.0625 lies between 1.0 (mantissa 0) and 1.125 (mantissa 1).
  EXPECT_EQ(e4m3_to_float(float_to_e4m3(1.0625f)), 1.0f);
  EXPECT_EQ(e4m3_to_float(float_to_e4m3(1.1875f)), 1.25f);
  EXPECT_TRUE(std::isnan(e4m3_to_float(0x7F)));
}

TEST(Quant, E2M1AndE8M0) {
  for (std::uint8_t code = 0; code < 16; ++code) {
    if (code == 8) continue;  // -0
    EXPECT_EQ(float_to_e2m1(e2m1_to_float(code)), code);
  }
  EXPECT_EQ(e2m1_to_float(float_to_e2m1(0.25f)), 0.0f);   // tie -> even (0)
  EXPECT_EQ(e2m1_to_float(float_to_e2m1(0.75f)), 1.0f);   // tie -> even (1.0)
  EXPECT_EQ(e2m1_to_float(float_to_e2m1(2.5f)), 2.0f);
  EXPECT_EQ(e2m1_to_float(float_to_e2m1(5.0f)), 4.0f);
  EXPECT_EQ(e2m1_to_float(float_to_e2m1(-9.0f)), -6.0f);
  EXPECT_EQ(e8m0_to_float(127), 1.0f);
  EXPECT_EQ(e8m0_to_float(120), std::ldexp(1.0f, -7));
  EXPECT_EQ(pow2_to_e8m0(0.25f), 125);
  EXPECT_EQ(pow2_to_e8m0(0.3f), 126);  // rounded up to 0.5
}

TEST(Quant, Bf16RoundsToNearestEven) {
  EXPECT_EQ(float_to_bf16(1.0f), 0x3F80);
  EXPECT_EQ(bf16_to_float(float_to_bf16(3.140625f)), 3.140625f);
  // 1 + 2^-8 is halfway between 1 and 1 + 2^-7: ties to the even mantissa (1.0).
  EXPECT_EQ(float_to_bf16(1.0f + std::ldexp(1.0f, -8)), 0x3F80);
  EXPECT_EQ(float_to_bf16(1.0f + 3 * std::ldexp(1.0f, -8)), 0x3F82);
  EXPECT_TRUE(std::isnan(bf16_to_float(float_to_bf16(NAN))));
}

TEST(Quant, PowerOfTwoScaleMatchesTheKernelFormula) {
  EXPECT_EQ(pow2_ceil_scale(448.0f, 1.0f / 448.0f), 1.0f);
  EXPECT_EQ(pow2_ceil_scale(449.0f, 1.0f / 448.0f), 2.0f);
  EXPECT_EQ(pow2_ceil_scale(6.0f, 1.0f / 6.0f), 1.0f);
  EXPECT_EQ(pow2_ceil_scale(3.0f, 1.0f / 6.0f), 0.5f);
  EXPECT_EQ(pow2_ceil_scale(1e-4f, 1.0f / 448.0f), std::ldexp(1.0f, -22));
}

TEST(Quant, BlockQuantizationReconstructs) {
  std::mt19937 rng(3);
  std::normal_distribution<float> normal(0.0f, 0.05f);
  const std::int64_t rows = 200, cols = 160;
  std::vector<float> w(rows * cols);
  for (auto& x : w) x = normal(rng);
  std::vector<std::uint8_t> q(rows * cols), s(2 * 2);
  quantize_fp8_blocks(w.data(), rows, cols, q.data(), s.data());
  double worst = 0;
  for (std::int64_t r = 0; r < rows; ++r) {
    for (std::int64_t c = 0; c < cols; ++c) {
      const float back = e4m3_to_float(q[r * cols + c]) * e8m0_to_float(s[(r / 128) * 2 + c / 128]);
      worst = std::max(worst, std::fabs(back - w[r * cols + c]) / (std::fabs(w[r * cols + c]) + 1e-3));
    }
  }
  EXPECT_LT(worst, 0.07) << "FP8 keeps 3 mantissa bits";
  std::vector<std::uint8_t> packed(rows * cols / 2), scales(rows * cols / 32);
  quantize_fp4_rows(w.data(), rows, cols, packed.data(), scales.data());
  double err = 0, norm = 0;
  for (std::int64_t r = 0; r < rows; ++r) {
    for (std::int64_t c = 0; c < cols; ++c) {
      const std::uint8_t byte = packed[r * cols / 2 + c / 2];
      const float back = e2m1_to_float(c % 2 ? byte >> 4 : byte & 15) * e8m0_to_float(scales[r * cols / 32 + c / 32]);
      err += (back - w[r * cols + c]) * (back - w[r * cols + c]);
      norm += w[r * cols + c] * w[r * cols + c];
    }
  }
  EXPECT_LT(std::sqrt(err / norm), 0.2) << "MXFP4 relative error";
}

}  // namespace
}  // namespace seek::engine::quant
