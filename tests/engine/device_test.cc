// Device discovery on any machine: a CUDA build without a GPU answers with a reason and the
// CPU path; cuBLASLt loads at run time when the toolkit is installed.
#include "engine/device.h"

#include <gtest/gtest.h>

namespace seek::engine {
namespace {

TEST(Device, QueryNeverAbortsAndPicksAPath) {
  auto devices = cuda_devices();
  const std::string path = default_compute_path();
  if (devices.ok()) {
    EXPECT_FALSE(devices->empty());
    EXPECT_EQ(path, "cuda");
  } else {
    EXPECT_EQ(path, "cpu");
    EXPECT_TRUE(devices.error().code == ErrorCode::kUnsupported || devices.error().code == ErrorCode::kUnavailable)
        << devices.error().message;
    std::printf("no CUDA device here: %s\n", devices.error().message.c_str());
  }
  // Asking again gives the same answer (it is computed once).
  EXPECT_EQ(cuda_devices().ok(), devices.ok());
}

TEST(Device, CublasLtIsResolvedAtRunTimeInCudaBuilds) {
  if (!cuda_built()) {
    EXPECT_EQ(cublaslt_version(), 0);
    GTEST_SKIP() << "built without CUDA";
  }
  // The toolkit is installed wherever a CUDA build was made, GPU or not.
  EXPECT_GE(cublaslt_version(), 120000) << "cuBLASLt did not load";
}

}  // namespace
}  // namespace seek::engine
