// RMSNorm: the CUDA kernel against the CPU reference on random inputs (ctest label "gpu").
// Skips with the reason when seek was built without CUDA or no GPU/driver is present.
#include <gtest/gtest.h>

#include <random>
#include <vector>

#include "engine/device.h"
#include "engine/ops/rms_norm.h"
#include "tests/support/compare.h"

namespace seek::engine {
namespace {

TEST(RmsNormCuda, MatchesTheReferenceOnRandomInputs) {
  auto devices = cuda_devices();
  if (!devices.ok()) GTEST_SKIP() << "no CUDA device: " << devices.error().message;
  std::printf("CUDA device 0: %s (sm_%d%d)\n", (*devices)[0].name.c_str(), (*devices)[0].compute_major,
              (*devices)[0].compute_minor);

  struct Case {
    int64_t rows, dim;
    bool weighted;
  };
  const std::vector<Case> cases = {{1, 1, true},    {3, 7, false},   {5, 255, true}, {4, 256, true},
                                   {7, 1000, true}, {16, 4096, true}, {2, 7168, false}, {300, 512, true}};
  std::mt19937 rng(99);
  std::normal_distribution<float> dist(0.0f, 8.0f);
  for (const Case& c : cases) {
    std::vector<float> x(static_cast<size_t>(c.rows * c.dim));  // [rows, dim]
    std::vector<float> w(static_cast<size_t>(c.dim));           // [dim]
    for (float& v : x) v = dist(rng);
    for (float& v : w) v = dist(rng) / 8.0f;
    std::vector<float> want(x.size()), got(x.size(), NAN);
    RmsNormParams p{.x = x.data(), .weight = c.weighted ? w.data() : nullptr, .y = want.data(), .rows = c.rows,
                    .dim = c.dim, .eps = 1e-6f};
    rms_norm_reference(p);
    p.y = got.data();
    auto status = rms_norm_cuda_from_host(p);
    ASSERT_TRUE(status.ok()) << status.error().message;
    auto cmp = testing::compare_floats(want, got, /*atol=*/1e-5, /*rtol=*/1e-5, c.dim);
    EXPECT_TRUE(cmp.ok) << "rows=" << c.rows << " dim=" << c.dim << ": " << cmp.report;
  }
}

TEST(RmsNormCuda, WithoutADeviceTheErrorIsCleanNotACrash) {
  // On every machine the call returns a value: OK with a GPU, otherwise an error that says
  // why (built without CUDA, or no driver/device). It never aborts the process.
  std::vector<float> x(16, 1.0f), y(16);
  auto status = rms_norm_cuda_from_host({.x = x.data(), .weight = nullptr, .y = y.data(), .rows = 1, .dim = 16});
  if (cuda_devices().ok()) {
    EXPECT_TRUE(status.ok()) << status.error().message;
  } else {
    ASSERT_FALSE(status.ok());
    EXPECT_TRUE(status.error().code == ErrorCode::kUnsupported || status.error().code == ErrorCode::kUnavailable)
        << status.error().message;
    EXPECT_FALSE(status.error().message.empty());
  }
}

}  // namespace
}  // namespace seek::engine
