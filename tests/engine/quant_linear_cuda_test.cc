// The CUDA quantized linear against the CPU reference. Skips, with the reason, without a GPU.
#include <gtest/gtest.h>

#include <random>
#include <vector>

#include "engine/checkpoint/quant.h"
#include "engine/ops/quant_linear.h"
#include "tests/support/compare.h"

namespace seek::engine {
namespace {

TEST(QuantLinearCuda, MatchesTheReference) {
  std::mt19937 rng(9);
  std::normal_distribution<float> normal(0.0f, 1.0f);
  for (auto format : {WeightFormat::kFp8Block128, WeightFormat::kMxfp4}) {
    const std::int64_t rows = 5, in = 512, out = 300;
    std::vector<float> x(rows * in), w(out * in), want(rows * out), got(rows * out);
    for (auto& v : x) v = normal(rng);
    for (auto& v : w) v = normal(rng) * 0.05f;
    std::vector<std::uint8_t> weight, scale;
    if (format == WeightFormat::kFp8Block128) {
      weight.resize(out * in);
      scale.resize(3 * 4);
      quant::quantize_fp8_blocks(w.data(), out, in, weight.data(), scale.data());
    } else {
      weight.resize(out * in / 2);
      scale.resize(out * in / 32);
      quant::quantize_fp4_rows(w.data(), out, in, weight.data(), scale.data());
    }
    QuantLinearParams p{x.data(), weight.data(), scale.data(), format, want.data(), rows, in, out};
    quant_linear_reference(p);
    p.y = got.data();
    const Status status = quant_linear_cuda_from_host(p);
    if (!status.ok() && (status.error().code == ErrorCode::kUnavailable || status.error().code == ErrorCode::kUnsupported)) {
      GTEST_SKIP() << status.error().message;
    }
    ASSERT_TRUE(status.ok()) << status.error().message;
    auto result = testing::compare_floats(want, got, 1e-3, 8e-3, out);
    EXPECT_TRUE(result.ok) << result.report;
  }
}

}  // namespace
}  // namespace seek::engine
