// mHC on CUDA (see ops/mhc.h). Correctness first: hc_pre uses one block per token (block
// reductions for the norm and each mix row, the Sinkhorn split by one thread in the
// kernel's order), hc_post a block per (token, stream).
#include <cuda_bf16.h>
#include <cuda_runtime.h>

#include <cstdint>

#include "engine/cuda/cuda_check.h"
#include "engine/cuda/device_buffer.h"
#include "engine/device.h"
#include "engine/ops/mhc.h"

namespace seek::engine {
namespace {

constexpr int kThreads = 256;
constexpr int kMaxHc = 8;

__device__ float block_sum(float v, float* shared) {
  for (int offset = 16; offset > 0; offset >>= 1) v += __shfl_xor_sync(0xffffffffu, v, offset);
  if (threadIdx.x % 32 == 0) shared[threadIdx.x / 32] = v;
  __syncthreads();
  float total = 0;
  for (int w = 0; w < kThreads / 32; ++w) total += shared[w];
  __syncthreads();
  return total;
}

__device__ float bf16_round(float v) { return __bfloat162float(__float2bfloat16_rn(v)); }
__device__ float sigmoidf(float v) { return 1.0f / (1.0f + expf(-v)); }

__global__ void mhc_pre_kernel(const float* __restrict__ x, const float* __restrict__ fn, const float* __restrict__ scale,
                               const float* __restrict__ base, float* __restrict__ y, float* __restrict__ post_out,
                               float* __restrict__ comb_out, int hc, std::int64_t dim, int iters, float norm_eps,
                               float eps) {
  __shared__ float reduce[kThreads / 32];
  __shared__ float mixes[(2 + kMaxHc) * kMaxHc];
  __shared__ float pre[kMaxHc];
  const std::int64_t t = blockIdx.x, width = hc * dim;
  const float* xt = x + t * width;
  float sq = 0;
  for (std::int64_t i = threadIdx.x; i < width; i += kThreads) sq += xt[i] * xt[i];
  const float rsqrt = rsqrtf(block_sum(sq, reduce) / static_cast<float>(width) + norm_eps);
  const int mix = (2 + hc) * hc;
  for (int r = 0; r < mix; ++r) {
    float acc = 0;
    for (std::int64_t i = threadIdx.x; i < width; i += kThreads) acc += xt[i] * fn[r * width + i];
    acc = block_sum(acc, reduce);
    if (threadIdx.x == 0) mixes[r] = acc * rsqrt;
  }
  __syncthreads();
  if (threadIdx.x == 0) {
    float comb[kMaxHc * kMaxHc];
    for (int j = 0; j < hc; ++j) {
      pre[j] = sigmoidf(mixes[j] * scale[0] + base[j]) + eps;
      post_out[t * hc + j] = 2.0f * sigmoidf(mixes[j + hc] * scale[1] + base[j + hc]);
    }
    for (int j = 0; j < hc * hc; ++j) comb[j] = mixes[j + 2 * hc] * scale[2] + base[j + 2 * hc];
    for (int j = 0; j < hc; ++j) {
      float m = comb[j * hc];
      for (int k = 1; k < hc; ++k) m = fmaxf(m, comb[j * hc + k]);
      float sum = 0;
      for (int k = 0; k < hc; ++k) sum += (comb[j * hc + k] = expf(comb[j * hc + k] - m));
      for (int k = 0; k < hc; ++k) comb[j * hc + k] = comb[j * hc + k] / sum + eps;
    }
    for (int it = 0; it < iters; ++it) {
      if (it > 0) {
        for (int j = 0; j < hc; ++j) {
          float sum = 0;
          for (int k = 0; k < hc; ++k) sum += comb[j * hc + k];
          for (int k = 0; k < hc; ++k) comb[j * hc + k] /= sum + eps;
        }
      }
      for (int k = 0; k < hc; ++k) {
        float sum = 0;
        for (int j = 0; j < hc; ++j) sum += comb[j * hc + k];
        for (int j = 0; j < hc; ++j) comb[j * hc + k] /= sum + eps;
      }
    }
    for (int j = 0; j < hc * hc; ++j) comb_out[t * hc * hc + j] = comb[j];
  }
  __syncthreads();
  for (std::int64_t d = threadIdx.x; d < dim; d += kThreads) {
    float acc = 0;
    for (int h = 0; h < hc; ++h) acc += pre[h] * xt[h * dim + d];
    y[t * dim + d] = bf16_round(acc);
  }
}

__global__ void mhc_post_kernel(const float* __restrict__ f, const float* __restrict__ residual,
                                const float* __restrict__ post, const float* __restrict__ comb, float* __restrict__ y,
                                int hc, std::int64_t dim) {
  const std::int64_t t = blockIdx.x;
  const int k = blockIdx.y;
  for (std::int64_t d = threadIdx.x; d < dim; d += kThreads) {
    float acc = post[t * hc + k] * f[t * dim + d];
    for (int j = 0; j < hc; ++j) acc += comb[(t * hc + j) * hc + k] * residual[(t * hc + j) * dim + d];
    y[(t * hc + k) * dim + d] = bf16_round(acc);
  }
}

template <class T>
Result<cuda::DeviceBuffer> upload(const T* host, std::size_t count) {
  SEEK_ASSIGN_OR_RETURN(auto buffer, cuda::device_alloc(count * sizeof(T)));
  SEEK_CUDA_CHECK(cudaMemcpy(buffer.get(), host, count * sizeof(T), cudaMemcpyHostToDevice));
  return buffer;
}

}  // namespace

Status mhc_pre_cuda_from_host(const MhcPreParams& p) {
  SEEK_RETURN_IF_ERROR(validate(p));
  if (p.hc > kMaxHc) return make_error(ErrorCode::kUnsupported, "mhc_pre_cuda: hc_mult above 8");
  auto devices = cuda_devices();
  if (!devices.ok()) return devices.error();
  const std::size_t mix = static_cast<std::size_t>((2 + p.hc) * p.hc), width = static_cast<std::size_t>(p.hc * p.dim);
  const std::size_t tokens = static_cast<std::size_t>(p.tokens);
  SEEK_ASSIGN_OR_RETURN(auto x, upload(p.x, tokens * width));
  SEEK_ASSIGN_OR_RETURN(auto fn, upload(p.fn, mix * width));
  SEEK_ASSIGN_OR_RETURN(auto scale, upload(p.scale, 3));
  SEEK_ASSIGN_OR_RETURN(auto base, upload(p.base, mix));
  SEEK_ASSIGN_OR_RETURN(auto y, cuda::device_alloc(tokens * static_cast<std::size_t>(p.dim) * sizeof(float)));
  SEEK_ASSIGN_OR_RETURN(auto post, cuda::device_alloc(tokens * static_cast<std::size_t>(p.hc) * sizeof(float)));
  SEEK_ASSIGN_OR_RETURN(auto comb, cuda::device_alloc(tokens * static_cast<std::size_t>(p.hc * p.hc) * sizeof(float)));
  if (p.tokens > 0) {
    mhc_pre_kernel<<<static_cast<unsigned>(p.tokens), kThreads>>>(
        static_cast<const float*>(x.get()), static_cast<const float*>(fn.get()), static_cast<const float*>(scale.get()),
        static_cast<const float*>(base.get()), static_cast<float*>(y.get()), static_cast<float*>(post.get()),
        static_cast<float*>(comb.get()), static_cast<int>(p.hc), p.dim, p.sinkhorn_iters, p.norm_eps, p.hc_eps);
    SEEK_CUDA_CHECK(cudaGetLastError());
  }
  SEEK_CUDA_CHECK(cudaDeviceSynchronize());
  SEEK_CUDA_CHECK(cudaMemcpy(p.y, y.get(), tokens * static_cast<std::size_t>(p.dim) * sizeof(float), cudaMemcpyDeviceToHost));
  SEEK_CUDA_CHECK(cudaMemcpy(p.post, post.get(), tokens * static_cast<std::size_t>(p.hc) * sizeof(float), cudaMemcpyDeviceToHost));
  SEEK_CUDA_CHECK(cudaMemcpy(p.comb, comb.get(), tokens * static_cast<std::size_t>(p.hc * p.hc) * sizeof(float),
                             cudaMemcpyDeviceToHost));
  return ok_status();
}

Status mhc_post_cuda_from_host(const MhcPostParams& p) {
  SEEK_RETURN_IF_ERROR(validate(p));
  auto devices = cuda_devices();
  if (!devices.ok()) return devices.error();
  const std::size_t tokens = static_cast<std::size_t>(p.tokens), hc = static_cast<std::size_t>(p.hc),
                    dim = static_cast<std::size_t>(p.dim);
  SEEK_ASSIGN_OR_RETURN(auto f, upload(p.f, tokens * dim));
  SEEK_ASSIGN_OR_RETURN(auto residual, upload(p.residual, tokens * hc * dim));
  SEEK_ASSIGN_OR_RETURN(auto post, upload(p.post, tokens * hc));
  SEEK_ASSIGN_OR_RETURN(auto comb, upload(p.comb, tokens * hc * hc));
  SEEK_ASSIGN_OR_RETURN(auto y, cuda::device_alloc(tokens * hc * dim * sizeof(float)));
  if (p.tokens > 0) {
    mhc_post_kernel<<<dim3(static_cast<unsigned>(p.tokens), static_cast<unsigned>(p.hc)), kThreads>>>(
        static_cast<const float*>(f.get()), static_cast<const float*>(residual.get()), static_cast<const float*>(post.get()),
        static_cast<const float*>(comb.get()), static_cast<float*>(y.get()), static_cast<int>(p.hc), p.dim);
    SEEK_CUDA_CHECK(cudaGetLastError());
  }
  SEEK_CUDA_CHECK(cudaDeviceSynchronize());
  SEEK_CUDA_CHECK(cudaMemcpy(p.y, y.get(), tokens * hc * dim * sizeof(float), cudaMemcpyDeviceToHost));
  return ok_status();
}

}  // namespace seek::engine
