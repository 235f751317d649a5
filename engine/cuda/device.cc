// CUDA device discovery (built only with CUDA). Without a driver cudaGetDeviceCount returns
// cudaErrorInsufficientDriver (35) rather than cudaErrorNoDevice, so *any* error or a count of
// zero means "no GPU", reported as kUnavailable with the runtime's reason.
#include <cuda_runtime.h>

#include "base/check.h"
#include "engine/cuda/cublaslt_api.h"
#include "engine/cuda/cuda_check.h"
#include "engine/device.h"

namespace seek::engine {
namespace {

Result<std::vector<CudaDevice>> query_devices() {
  int count = 0;
  SEEK_CUDA_CHECK(cudaGetDeviceCount(&count));
  SEEK_CHECK(count > 0, ErrorCode::kUnavailable, "no CUDA device found");
  std::vector<CudaDevice> devices;
  for (int i = 0; i < count; ++i) {
    cudaDeviceProp prop{};
    SEEK_CUDA_CHECK(cudaGetDeviceProperties(&prop, i));
    devices.push_back(CudaDevice{
        .index = i,
        .name = prop.name,
        .compute_major = prop.major,
        .compute_minor = prop.minor,
        .total_memory_bytes = static_cast<int64_t>(prop.totalGlobalMem),
        .multiprocessors = prop.multiProcessorCount,
    });
  }
  return devices;
}

}  // namespace

bool cuda_built() { return true; }

Result<std::vector<CudaDevice>> cuda_devices() {
  static const Result<std::vector<CudaDevice>> devices = query_devices();
  return devices;
}

int64_t cublaslt_version() {
  auto api = cuda::cublaslt();
  return api.ok() ? static_cast<int64_t>((*api)->get_version()) : 0;
}

}  // namespace seek::engine
