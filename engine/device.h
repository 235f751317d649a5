// Which compute devices this process can use. A CUDA build still runs on a machine without
// a GPU or driver: the query returns an error value and the engine stays on the CPU.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "base/result.h"

namespace seek::engine {

/// One CUDA device as the runtime reports it.
struct CudaDevice {
  int index = 0;
  std::string name;
  int compute_major = 0;
  int compute_minor = 0;
  int64_t total_memory_bytes = 0;
  int multiprocessors = 0;
};

/// True when this binary was built with the CUDA kernels (SEEK_CUDA on and nvcc found).
bool cuda_built();

/// The CUDA devices this process can use. kUnsupported when built without CUDA; kUnavailable
/// (with the runtime's reason, e.g. "insufficient driver") when there is no driver or device.
/// Never aborts, and is cheap to call again (the result is computed once).
Result<std::vector<CudaDevice>> cuda_devices();

/// The version of the cuBLASLt library loaded at run time, or 0 without CUDA or when it is missing.
int64_t cublaslt_version();

/// "cuda" when a usable CUDA device exists, else "cpu": where the engine will run by default.
std::string default_compute_path();

}  // namespace seek::engine
