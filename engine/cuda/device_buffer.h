// Owned device memory for launchers and host-buffer test entry points.
#pragma once

#include <cuda_runtime.h>

#include <cstddef>
#include <memory>

#include "engine/cuda/cuda_check.h"

namespace seek::engine::cuda {

struct DeviceFree {
  void operator()(void* ptr) const { cudaFree(ptr); }
};
using DeviceBuffer = std::unique_ptr<void, DeviceFree>;

/// cudaMalloc as a Result (zero bytes still yields a valid, freeable pointer).
inline Result<DeviceBuffer> device_alloc(std::size_t bytes) {
  void* ptr = nullptr;
  SEEK_CUDA_CHECK(cudaMalloc(&ptr, bytes == 0 ? 1 : bytes));
  return DeviceBuffer(ptr);
}

}  // namespace seek::engine::cuda
