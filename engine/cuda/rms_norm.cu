// RMSNorm CUDA kernel: one thread block per row. Each thread accumulates a strided partial
// sum of squares in FP32, the block reduces it (warp shuffles, then shared memory), and every
// thread scales its elements. Layout: kernels, then launchers, then the exported ops.
#include <cuda_runtime.h>

#include <cstddef>
#include <memory>

#include "engine/cuda/cuda_check.h"
#include "engine/cuda/device_buffer.h"
#include "engine/device.h"
#include "engine/ops/rms_norm.h"

namespace seek::engine {
namespace {

constexpr int kThreads = 256;
constexpr int kWarps = kThreads / 32;

// Kernels ----------------------------------------------------------------------------------

__device__ float warp_sum(float v) {
  for (int offset = 16; offset > 0; offset >>= 1) v += __shfl_xor_sync(0xffffffffu, v, offset);
  return v;
}

// No __restrict__ on x or y: they may alias (in-place use).
__global__ void rms_norm_kernel(const float* x,                    // [rows, dim]
                                const float* __restrict__ weight,  // [dim] or nullptr
                                float* y,                          // [rows, dim]; may alias x
                                int64_t dim, float eps) {
  const float* row_x = x + static_cast<int64_t>(blockIdx.x) * dim;  // [dim]
  float* row_y = y + static_cast<int64_t>(blockIdx.x) * dim;        // [dim]

  float sum_sq = 0.0f;
  for (int64_t i = threadIdx.x; i < dim; i += kThreads) sum_sq += row_x[i] * row_x[i];

  // Shared memory: one partial per warp, then the block total.
  __shared__ float warp_partials[kWarps];
  __shared__ float inv_rms;
  sum_sq = warp_sum(sum_sq);
  if (threadIdx.x % 32 == 0) warp_partials[threadIdx.x / 32] = sum_sq;
  __syncthreads();
  if (threadIdx.x < 32) {
    float v = threadIdx.x < kWarps ? warp_partials[threadIdx.x] : 0.0f;
    v = warp_sum(v);
    if (threadIdx.x == 0) inv_rms = rsqrtf(v / static_cast<float>(dim) + eps);
  }
  __syncthreads();

  const float scale = inv_rms;
  for (int64_t i = threadIdx.x; i < dim; i += kThreads) {
    const float w = weight ? weight[i] : 1.0f;
    row_y[i] = row_x[i] * scale * w;
  }
}

// Launchers --------------------------------------------------------------------------------

Status launch_rms_norm(const RmsNormParams& p, cudaStream_t stream) {
  if (p.rows == 0) return ok_status();
  // One block per row; gridDim.x allows 2^31-1 rows.
  if (p.rows > 0x7fffffff) {
    return make_error(ErrorCode::kInvalidArgument, "rms_norm_cuda: too many rows for one launch");
  }
  rms_norm_kernel<<<static_cast<unsigned>(p.rows), kThreads, 0, stream>>>(p.x, p.weight, p.y, p.dim, p.eps);
  SEEK_CUDA_CHECK(cudaGetLastError());
  return ok_status();
}

}  // namespace

using cuda::device_alloc;
using cuda::DeviceBuffer;

// Exported ops -----------------------------------------------------------------------------

Status rms_norm_cuda(const RmsNormParams& p, void* stream) {
  SEEK_RETURN_IF_ERROR(validate(p));
  return launch_rms_norm(p, static_cast<cudaStream_t>(stream));
}

Status rms_norm_cuda_from_host(const RmsNormParams& p) {
  SEEK_RETURN_IF_ERROR(validate(p));
  auto devices = cuda_devices();
  if (!devices.ok()) return devices.error();
  const size_t data_bytes = static_cast<size_t>(p.rows * p.dim) * sizeof(float);
  const size_t weight_bytes = static_cast<size_t>(p.dim) * sizeof(float);

  SEEK_ASSIGN_OR_RETURN(DeviceBuffer d_x, device_alloc(data_bytes));       // [rows, dim]
  SEEK_ASSIGN_OR_RETURN(DeviceBuffer d_y, device_alloc(data_bytes));       // [rows, dim]
  SEEK_ASSIGN_OR_RETURN(DeviceBuffer d_w, device_alloc(weight_bytes));     // [dim]
  SEEK_CUDA_CHECK(cudaMemcpy(d_x.get(), p.x, data_bytes, cudaMemcpyHostToDevice));
  if (p.weight) SEEK_CUDA_CHECK(cudaMemcpy(d_w.get(), p.weight, weight_bytes, cudaMemcpyHostToDevice));

  RmsNormParams dp = p;
  dp.x = static_cast<const float*>(d_x.get());
  dp.y = static_cast<float*>(d_y.get());
  dp.weight = p.weight ? static_cast<const float*>(d_w.get()) : nullptr;
  SEEK_RETURN_IF_ERROR(launch_rms_norm(dp, nullptr));
  SEEK_CUDA_CHECK(cudaDeviceSynchronize());
  SEEK_CUDA_CHECK(cudaMemcpy(p.y, d_y.get(), data_bytes, cudaMemcpyDeviceToHost));
  return ok_status();
}

}  // namespace seek::engine
