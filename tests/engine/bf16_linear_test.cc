// BF16-weight linears: the fast path matches the double reference, with and without output
// rounding and with strided inputs.
#include "engine/ops/bf16_linear.h"

#include <gtest/gtest.h>

#include <random>
#include <vector>

#include "engine/checkpoint/quant.h"
#include "tests/support/compare.h"

namespace seek::engine {
namespace {

TEST(Bf16Linear, CpuMatchesTheReference) {
  std::mt19937 rng(6);
  std::normal_distribution<float> dist(0.0f, 1.0f);
  for (bool round : {true, false}) {
    const std::int64_t rows = 9, in = 200, out = 77, stride = 256;
    std::vector<float> x(rows * stride);
    for (auto& v : x) v = dist(rng);
    std::vector<std::uint16_t> w(out * in);
    for (auto& v : w) v = quant::float_to_bf16(dist(rng) * 0.1f);
    std::vector<float> want(rows * out), got(rows * out);
    Bf16LinearParams p{x.data(), w.data(), want.data(), rows, in, out, stride, 0, round};
    ASSERT_TRUE(validate(p).ok());
    bf16_linear_reference(p);
    p.y = got.data();
    bf16_linear_cpu(p);
    auto r = testing::compare_floats(want, got, 1e-4, round ? 8e-3 : 1e-4, out);
    EXPECT_TRUE(r.ok) << r.report;
  }
}

}  // namespace
}  // namespace seek::engine
