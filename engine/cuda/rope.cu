// Rotary embeddings on CUDA (see ops/rope.h): a thread per rotated pair.
#include <cuda_bf16.h>
#include <cuda_runtime.h>

#include "engine/cuda/cuda_check.h"
#include "engine/cuda/device_buffer.h"
#include "engine/device.h"
#include "engine/ops/rope.h"

namespace seek::engine {
namespace {

__global__ void rope_kernel(float* x, const std::int64_t* __restrict__ positions, const float* __restrict__ freqs,
                            std::int64_t heads, std::int64_t row_stride, std::int64_t offset, std::int64_t half,
                            bool inverse, bool round_bf16) {
  const std::int64_t r = blockIdx.x, h = blockIdx.y;
  for (std::int64_t i = threadIdx.x; i < half; i += blockDim.x) {
    const float angle = static_cast<float>(positions[r]) * freqs[i];
    float s, c;
    sincosf(angle, &s, &c);
    if (inverse) s = -s;
    float* v = x + (r * heads + h) * row_stride + offset;
    const float a = v[2 * i], b = v[2 * i + 1];
    float re = a * c - b * s, im = a * s + b * c;
    if (round_bf16) {
      re = __bfloat162float(__float2bfloat16_rn(re));
      im = __bfloat162float(__float2bfloat16_rn(im));
    }
    v[2 * i] = re;
    v[2 * i + 1] = im;
  }
}

}  // namespace

Status rope_cuda_from_host(const RopeParams& p) {
  SEEK_RETURN_IF_ERROR(validate(p));
  auto devices = cuda_devices();
  if (!devices.ok()) return devices.error();
  const std::size_t x_count = static_cast<std::size_t>(p.rows * p.heads * p.row_stride);
  SEEK_ASSIGN_OR_RETURN(auto x, cuda::device_alloc(x_count * sizeof(float)));
  SEEK_ASSIGN_OR_RETURN(auto positions, cuda::device_alloc(static_cast<std::size_t>(p.rows) * sizeof(std::int64_t)));
  SEEK_ASSIGN_OR_RETURN(auto freqs, cuda::device_alloc(static_cast<std::size_t>(p.rope_dim / 2) * sizeof(float)));
  SEEK_CUDA_CHECK(cudaMemcpy(x.get(), p.x, x_count * sizeof(float), cudaMemcpyHostToDevice));
  SEEK_CUDA_CHECK(cudaMemcpy(positions.get(), p.positions, static_cast<std::size_t>(p.rows) * sizeof(std::int64_t), cudaMemcpyHostToDevice));
  SEEK_CUDA_CHECK(cudaMemcpy(freqs.get(), p.freqs, static_cast<std::size_t>(p.rope_dim / 2) * sizeof(float), cudaMemcpyHostToDevice));
  if (p.rows > 0) {
    rope_kernel<<<dim3(static_cast<unsigned>(p.rows), static_cast<unsigned>(p.heads)), 64>>>(
        static_cast<float*>(x.get()), static_cast<const std::int64_t*>(positions.get()), static_cast<const float*>(freqs.get()),
        p.heads, p.row_stride, p.offset, p.rope_dim / 2, p.inverse, p.round_bf16);
    SEEK_CUDA_CHECK(cudaGetLastError());
  }
  SEEK_CUDA_CHECK(cudaDeviceSynchronize());
  SEEK_CUDA_CHECK(cudaMemcpy(p.x, x.get(), x_count * sizeof(float), cudaMemcpyDeviceToHost));
  return ok_status();
}

}  // namespace seek::engine
