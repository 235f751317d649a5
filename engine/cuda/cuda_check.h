// Checked CUDA and cuBLASLt calls: on failure they return an Error carrying the call, the
// runtime's message, file and line (DeepGEMM DG_*_CHECK / llm.c cudaCheck, but returning
// instead of exiting: a failed request must not take the daemon down).
#pragma once

#include <cublasLt.h>
#include <cuda_runtime.h>

#include <string>

#include "base/result.h"

namespace seek::engine::cuda {

/// Builds the Error for a failed CUDA runtime call.
inline Error cuda_error(cudaError_t err, const char* call, const char* file, int line) {
  const ErrorCode code = (err == cudaErrorNoDevice || err == cudaErrorInsufficientDriver ||
                          err == cudaErrorInitializationError || err == cudaErrorDevicesUnavailable)
                             ? ErrorCode::kUnavailable
                             : ErrorCode::kInternal;
  return Error{code, std::string(call) + ": " + cudaGetErrorName(err) + " (" + cudaGetErrorString(err) + ")" +
                         source_suffix(file, line)};
}

/// Builds the Error for a failed cuBLASLt call.
inline Error cublas_error(cublasStatus_t status, const char* call, const char* file, int line) {
  return Error{ErrorCode::kInternal, std::string(call) + ": cublas status " + std::to_string(static_cast<int>(status)) +
                                         source_suffix(file, line)};
}

}  // namespace seek::engine::cuda

/// Returns an Error from the enclosing function when a CUDA runtime call fails.
#define SEEK_CUDA_CHECK(call)                                                          \
  do {                                                                                 \
    const cudaError_t seek_cuda_err_ = (call);                                         \
    if (seek_cuda_err_ != cudaSuccess) {                                               \
      return ::seek::engine::cuda::cuda_error(seek_cuda_err_, #call, __FILE__, __LINE__); \
    }                                                                                  \
  } while (0)

/// Returns an Error from the enclosing function when a cuBLASLt call fails.
#define SEEK_CUBLAS_CHECK(call)                                                           \
  do {                                                                                    \
    const cublasStatus_t seek_cublas_status_ = (call);                                    \
    if (seek_cublas_status_ != CUBLAS_STATUS_SUCCESS) {                                   \
      return ::seek::engine::cuda::cublas_error(seek_cublas_status_, #call, __FILE__, __LINE__); \
    }                                                                                     \
  } while (0)
