// RMSNorm, the first engine op: y = x / sqrt(mean(x^2) + eps) * weight, row by row, in FP32
// as DeepSeek V4 computes every RMSNorm (attn/ffn/q/kv/compressor norms, mHC pre-norm, the
// final norm; the per-head q norm is the weightless form). Three implementations share these
// params: a plain reference (cpu/rms_norm.cc), an optimized CPU path with run-time ISA
// dispatch, and a CUDA kernel (cuda/rms_norm.cu). tests/engine/ compares them.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"

namespace seek::engine {

/// Inputs and outputs of one RMSNorm call. All pointers are host pointers for the CPU paths
/// and device pointers for rms_norm_cuda().
struct RmsNormParams {
  const float* x = nullptr;       ///< [rows, dim], row-major
  const float* weight = nullptr;  ///< [dim], or nullptr for the weightless form
  float* y = nullptr;             ///< [rows, dim], row-major; may alias x
  int64_t rows = 0;
  int64_t dim = 0;
  float eps = 1e-6f;
};

/// Checks the shape fields and pointers, naming the first problem.
Status validate(const RmsNormParams& p);

/// The plain-loop reference: double accumulation, one row at a time. The truth for tests.
void rms_norm_reference(const RmsNormParams& p);

/// The optimized CPU path: AVX-512, AVX2+FMA or portable code, picked once at run time from
/// what this CPU supports (users' CPUs differ from the build machine's).
void rms_norm_cpu(const RmsNormParams& p);

/// Which CPU path rms_norm_cpu() takes on this machine: "avx512", "avx2" or "portable".
const char* rms_norm_cpu_isa();

/// The CPU paths this machine can run, best first (tests run each against the reference).
std::vector<std::string> rms_norm_cpu_paths();

/// Runs one named CPU path; kUnsupported when this CPU lacks it or the name is unknown.
Status rms_norm_cpu_path(std::string_view isa, const RmsNormParams& p);

/// The CUDA kernel on device pointers, enqueued on `stream` (a cudaStream_t; nullptr is the
/// default stream). kUnsupported when seek was built without CUDA.
Status rms_norm_cuda(const RmsNormParams& p, void* stream);

/// Runs the CUDA kernel on host buffers: copies x and weight to the device, runs, copies y
/// back and synchronizes. For tests and tools; kUnavailable when there is no usable GPU.
Status rms_norm_cuda_from_host(const RmsNormParams& p);

}  // namespace seek::engine
