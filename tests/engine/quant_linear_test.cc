// Quantized linear layers: the reference against a plain dequantized matmul (it must be the
// same product up to FP8 activation rounding), and every optimized CPU path against the
// reference on random inputs of several shapes, for FP8 block and MXFP4 weights.
#include "engine/ops/quant_linear.h"

#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <vector>

#include "engine/checkpoint/quant.h"
#include "tests/support/compare.h"

namespace seek::engine {
namespace {

struct Problem {
  std::vector<float> x, y;
  std::vector<std::uint8_t> weight, scale;
  std::vector<float> dequantized;  // [out, in], the weight as stored
  QuantLinearParams params;
};

Problem make_problem(WeightFormat format, std::int64_t rows, std::int64_t in, std::int64_t out, std::uint32_t seed) {
  std::mt19937 rng(seed);
  std::normal_distribution<float> normal(0.0f, 1.0f);
  Problem p;
  p.x.resize(static_cast<std::size_t>(rows * in));
  for (auto& v : p.x) v = quant::bf16_to_float(quant::float_to_bf16(normal(rng) * 2.0f));
  std::vector<float> w(static_cast<std::size_t>(out * in));
  for (auto& v : w) v = normal(rng) / std::sqrt(static_cast<float>(in));
  p.dequantized.resize(w.size());
  if (format == WeightFormat::kFp8Block128) {
    p.weight.resize(w.size());
    p.scale.resize(static_cast<std::size_t>(((out + 127) / 128) * ((in + 127) / 128)));
    quant::quantize_fp8_blocks(w.data(), out, in, p.weight.data(), p.scale.data());
    for (std::int64_t n = 0; n < out; ++n) {
      for (std::int64_t k = 0; k < in; ++k) {
        p.dequantized[n * in + k] = quant::e4m3_to_float(p.weight[n * in + k]) *
                                    quant::e8m0_to_float(p.scale[(n / 128) * ((in + 127) / 128) + k / 128]);
      }
    }
  } else {
    p.weight.resize(w.size() / 2);
    p.scale.resize(static_cast<std::size_t>(out * (in / 32)));
    quant::quantize_fp4_rows(w.data(), out, in, p.weight.data(), p.scale.data());
    for (std::int64_t n = 0; n < out; ++n) {
      for (std::int64_t k = 0; k < in; ++k) {
        const std::uint8_t byte = p.weight[n * (in / 2) + k / 2];
        p.dequantized[n * in + k] =
            quant::e2m1_to_float(k % 2 ? byte >> 4 : byte & 15) * quant::e8m0_to_float(p.scale[n * (in / 32) + k / 32]);
      }
    }
  }
  p.y.assign(static_cast<std::size_t>(rows * out), 0.0f);
  p.params = {p.x.data(), p.weight.data(), p.scale.data(), format, p.y.data(), rows, in, out};
  return p;
}

TEST(QuantLinearReference, IsTheDequantizedProductUpToActivationRounding) {
  for (auto format : {WeightFormat::kFp8Block128, WeightFormat::kMxfp4}) {
    Problem p = make_problem(format, 3, 256, 200, 11);
    quant_linear_reference(p.params);
    std::vector<float> exact(p.y.size());
    for (std::int64_t m = 0; m < 3; ++m) {
      for (std::int64_t n = 0; n < 200; ++n) {
        double acc = 0;
        for (std::int64_t k = 0; k < 256; ++k) acc += static_cast<double>(p.x[m * 256 + k]) * p.dequantized[n * 256 + k];
        exact[static_cast<std::size_t>(m * 200 + n)] = static_cast<float>(acc);
      }
    }
    // FP8 activations keep 3 mantissa bits: a few percent per element, far less in the sum.
    auto result = testing::compare_floats(exact, p.y, 0.15, 0.1, 200);
    EXPECT_LT(result.cosine_diff, 2e-3) << result.report;
  }
}

TEST(QuantLinearCpu, EveryPathMatchesTheReference) {
  struct Shape {
    std::int64_t rows, in, out;
  };
  const Shape shapes[] = {{1, 128, 1}, {1, 256, 130}, {3, 512, 257}, {17, 128, 64}, {2, 1024, 300}};
  for (auto format : {WeightFormat::kFp8Block128, WeightFormat::kMxfp4}) {
    for (const Shape& s : shapes) {
      Problem want = make_problem(format, s.rows, s.in, s.out, 5);
      quant_linear_reference(want.params);
      for (const std::string& isa : quant_linear_cpu_paths()) {
        Problem got = make_problem(format, s.rows, s.in, s.out, 5);
        ASSERT_TRUE(quant_linear_cpu_path(isa, got.params).ok());
        // Sums differ in order (FP32 lanes vs double): at most one BF16 step apart.
        auto result = testing::compare_floats(want.y, got.y, 1e-3, 8e-3, s.out);
        EXPECT_TRUE(result.ok) << isa << (format == WeightFormat::kMxfp4 ? " mxfp4 " : " fp8 ") << s.rows << "x" << s.in
                               << "x" << s.out << ": " << result.report;
      }
      Problem dispatched = make_problem(format, s.rows, s.in, s.out, 5);
      quant_linear_cpu(dispatched.params);
      EXPECT_TRUE(testing::compare_floats(want.y, dispatched.y, 1e-3, 8e-3, s.out).ok);
    }
  }
}

TEST(QuantLinearCpu, ActivationQuantizationFollowsTheKernel) {
  std::vector<float> x(128, 0.0f);
  x[0] = 1.0f;
  x[1] = -448.0f * 2;  // amax 896 -> scale 2 -> code for -448
  std::vector<std::uint8_t> codes(128), scales(1);
  act_quant_reference(x.data(), 1, 128, codes.data(), scales.data());
  EXPECT_EQ(quant::e8m0_to_float(scales[0]), 2.0f);
  EXPECT_EQ(quant::e4m3_to_float(codes[1]), -448.0f);
  EXPECT_EQ(quant::e4m3_to_float(codes[0]), 0.5f);
  std::vector<float> zeros(128, 0.0f);
  act_quant_reference(zeros.data(), 1, 128, codes.data(), scales.data());
  EXPECT_EQ(quant::e8m0_to_float(scales[0]), std::ldexp(1.0f, -22)) << "amax floors at 1e-4";
}

TEST(QuantLinearValidate, NamesTheProblem) {
  Problem p = make_problem(WeightFormat::kFp8Block128, 1, 128, 4, 1);
  p.params.in = 100;
  auto status = validate(p.params);
  ASSERT_FALSE(status.ok());
  EXPECT_NE(status.error().message.find("multiple of 128"), std::string::npos);
  EXPECT_EQ(quant_linear_cpu_path("sse9", p.params).error().code, ErrorCode::kUnsupported);
}

}  // namespace
}  // namespace seek::engine
