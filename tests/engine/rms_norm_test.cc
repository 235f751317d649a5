// RMSNorm on the CPU: every optimized path this CPU can run against the double-precision
// reference, on random inputs of awkward sizes (tails of every length, V4's real widths).
#include "engine/ops/rms_norm.h"

#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <vector>

#include "tests/support/compare.h"

namespace seek::engine {
namespace {

struct Case {
  int64_t rows;
  int64_t dim;
  bool weighted;
};

std::vector<float> random_vector(size_t n, std::mt19937& rng, float scale) {
  std::normal_distribution<float> dist(0.0f, scale);
  std::vector<float> v(n);
  for (float& x : v) x = dist(rng);
  return v;
}

TEST(RmsNormReference, MatchesTheDefinitionOnAHandComputedRow) {
  const std::vector<float> x = {3.0f, 4.0f};  // mean square 12.5
  const std::vector<float> w = {2.0f, 0.5f};
  std::vector<float> y(2);
  rms_norm_reference({.x = x.data(), .weight = w.data(), .y = y.data(), .rows = 1, .dim = 2, .eps = 0.0f});
  const float inv = 1.0f / std::sqrt(12.5f);
  EXPECT_FLOAT_EQ(y[0], 3.0f * inv * 2.0f);
  EXPECT_FLOAT_EQ(y[1], 4.0f * inv * 0.5f);
}

TEST(RmsNormReference, EpsKeepsAZeroRowFinite) {
  const std::vector<float> x(8, 0.0f);
  std::vector<float> y(8, 1.0f);
  rms_norm_reference({.x = x.data(), .weight = nullptr, .y = y.data(), .rows = 1, .dim = 8, .eps = 1e-6f});
  for (float v : y) EXPECT_EQ(v, 0.0f);
}

TEST(RmsNormValidate, NamesTheBadField) {
  std::vector<float> x(4), y(4);
  auto bad_dim = validate({.x = x.data(), .weight = nullptr, .y = y.data(), .rows = 1, .dim = 0});
  ASSERT_FALSE(bad_dim.ok());
  EXPECT_EQ(bad_dim.error().code, ErrorCode::kInvalidArgument);
  EXPECT_NE(bad_dim.error().message.find("dim"), std::string::npos);
  auto null_x = validate({.x = nullptr, .weight = nullptr, .y = y.data(), .rows = 1, .dim = 4});
  ASSERT_FALSE(null_x.ok());
  auto unknown = rms_norm_cpu_path("no-such-isa", {.x = x.data(), .weight = nullptr, .y = y.data(), .rows = 1, .dim = 4});
  ASSERT_FALSE(unknown.ok());
  EXPECT_EQ(unknown.error().code, ErrorCode::kUnsupported);
}

TEST(RmsNormCpu, EveryPathMatchesTheReference) {
  const std::vector<Case> cases = {
      {1, 1, true},   {3, 7, true},    {2, 15, false}, {5, 16, true},  {4, 17, true},   {2, 33, false},
      {3, 100, true}, {8, 512, false}, {2, 1536, true}, {2, 4096, true}, {1, 7168, true}, {0, 64, true},
  };
  std::mt19937 rng(1234);
  const std::vector<std::string> paths = rms_norm_cpu_paths();
  ASSERT_FALSE(paths.empty());
  std::printf("rms_norm CPU paths here: %zu (default %s)\n", paths.size(), rms_norm_cpu_isa());
  for (const Case& c : cases) {
    // Activations in the residual stream reach magnitudes in the tens; cover that range.
    const auto x = random_vector(static_cast<size_t>(c.rows * c.dim), rng, 12.0f);  // [rows, dim]
    const auto w = random_vector(static_cast<size_t>(c.dim), rng, 1.0f);           // [dim]
    std::vector<float> want(x.size());
    RmsNormParams p{.x = x.data(), .weight = c.weighted ? w.data() : nullptr, .y = want.data(), .rows = c.rows,
                    .dim = c.dim, .eps = 1e-6f};
    rms_norm_reference(p);
    for (const std::string& isa : paths) {
      std::vector<float> got(x.size(), NAN);
      p.y = got.data();
      ASSERT_TRUE(rms_norm_cpu_path(isa, p).ok());
      auto cmp = testing::compare_floats(want, got, /*atol=*/1e-5, /*rtol=*/1e-5, c.dim);
      EXPECT_TRUE(cmp.ok) << isa << " rows=" << c.rows << " dim=" << c.dim << ": " << cmp.report;
    }
  }
}

TEST(RmsNormCpu, WorksInPlace) {
  std::mt19937 rng(7);
  auto x = random_vector(3 * 257, rng, 2.0f);  // [3, 257]
  std::vector<float> want(x.size());
  rms_norm_reference({.x = x.data(), .weight = nullptr, .y = want.data(), .rows = 3, .dim = 257});
  rms_norm_cpu({.x = x.data(), .weight = nullptr, .y = x.data(), .rows = 3, .dim = 257});
  auto cmp = testing::compare_floats(want, x, 1e-5, 1e-5, 257);
  EXPECT_TRUE(cmp.ok) << cmp.report;
}

}  // namespace
}  // namespace seek::engine
