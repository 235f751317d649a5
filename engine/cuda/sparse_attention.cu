// Sparse attention on CUDA (see ops/sparse_attention.h). Correctness first: a block per
// (token, head), the kernel's 64-index blocks with an online softmax, BF16-rounded
// probabilities for the V sum, the sink in the denominator. The FlashMLA-style version
// comes with the performance work.
#include <cuda_bf16.h>
#include <cuda_runtime.h>

#include <cstdint>

#include "engine/cuda/cuda_check.h"
#include "engine/cuda/device_buffer.h"
#include "engine/device.h"
#include "engine/ops/sparse_attention.h"

namespace seek::engine {
namespace {

constexpr int kThreads = 128;
constexpr int kMaxDim = 1024;
constexpr int kBlock = 64;

__device__ float block_sum(float v, float* shared) {
  for (int offset = 16; offset > 0; offset >>= 1) v += __shfl_xor_sync(0xffffffffu, v, offset);
  if (threadIdx.x % 32 == 0) shared[threadIdx.x / 32] = v;
  __syncthreads();
  float total = 0;
  for (int w = 0; w < kThreads / 32; ++w) total += shared[w];
  __syncthreads();
  return total;
}

__global__ void sparse_attention_kernel(const float* __restrict__ q, const float* __restrict__ kv,
                                        const float* __restrict__ sink, const std::int32_t* __restrict__ indices,
                                        float* __restrict__ out, std::int64_t heads, std::int64_t dim, std::int64_t topk,
                                        float scale) {
  __shared__ float reduce[kThreads / 32];
  __shared__ float scores[kBlock];
  const std::int64_t t = blockIdx.x, h = blockIdx.y;
  const float* qh = q + (t * heads + h) * dim;
  const std::int32_t* idx = indices + t * topk;
  float acc[kMaxDim / kThreads] = {};
  float running_max = -INFINITY, sum_exp = 0;
  for (std::int64_t start = 0; start < topk; start += kBlock) {
    float block_max = running_max;
    for (int j = 0; j < kBlock; ++j) {
      const std::int32_t row = start + j < topk ? idx[start + j] : -1;
      float dot = 0;
      if (row >= 0) {
        for (std::int64_t d = threadIdx.x; d < dim; d += kThreads) dot += qh[d] * kv[row * dim + d];
      }
      dot = block_sum(dot, reduce);
      const float s = row >= 0 ? dot * scale : -INFINITY;
      if (threadIdx.x == 0) scores[j] = s;
      block_max = fmaxf(block_max, s);
    }
    __syncthreads();
    if (block_max == -INFINITY) continue;
    const float rescale = expf(running_max - block_max);
    running_max = block_max;
    float block_total = 0;
    for (int j = 0; j < kBlock; ++j) block_total += expf(scores[j] - running_max);
    sum_exp = sum_exp * rescale + block_total;
    for (int i = 0; i < kMaxDim / kThreads; ++i) acc[i] *= rescale;
    for (int j = 0; j < kBlock; ++j) {
      const std::int32_t row = start + j < topk ? idx[start + j] : -1;
      if (row < 0) continue;
      const float prob = __bfloat162float(__float2bfloat16_rn(expf(scores[j] - running_max)));
      int i = 0;
      for (std::int64_t d = threadIdx.x; d < dim; d += kThreads, ++i) acc[i] += prob * kv[row * dim + d];
    }
    __syncthreads();
  }
  sum_exp += expf(sink[h] - running_max);
  int i = 0;
  for (std::int64_t d = threadIdx.x; d < dim; d += kThreads, ++i) {
    out[(t * heads + h) * dim + d] = __bfloat162float(__float2bfloat16_rn(acc[i] / sum_exp));
  }
}

template <class T>
Result<cuda::DeviceBuffer> upload(const T* host, std::size_t count) {
  SEEK_ASSIGN_OR_RETURN(auto buffer, cuda::device_alloc(count * sizeof(T)));
  SEEK_CUDA_CHECK(cudaMemcpy(buffer.get(), host, count * sizeof(T), cudaMemcpyHostToDevice));
  return buffer;
}

}  // namespace

Status sparse_attention_cuda_from_host(const SparseAttentionParams& p) {
  SEEK_RETURN_IF_ERROR(validate(p));
  if (p.dim > kMaxDim) return make_error(ErrorCode::kUnsupported, "sparse_attention_cuda: head dim above 1024");
  auto devices = cuda_devices();
  if (!devices.ok()) return devices.error();
  const auto n = [](std::int64_t v) { return static_cast<std::size_t>(v); };
  SEEK_ASSIGN_OR_RETURN(auto q, upload(p.q, n(p.tokens * p.heads * p.dim)));
  SEEK_ASSIGN_OR_RETURN(auto kv, upload(p.kv, n(p.rows * p.dim)));
  SEEK_ASSIGN_OR_RETURN(auto sink, upload(p.sink, n(p.heads)));
  SEEK_ASSIGN_OR_RETURN(auto idx, upload(p.indices, n(p.tokens * p.topk)));
  SEEK_ASSIGN_OR_RETURN(auto out, cuda::device_alloc(n(p.tokens * p.heads * p.dim) * sizeof(float)));
  if (p.tokens > 0) {
    sparse_attention_kernel<<<dim3(static_cast<unsigned>(p.tokens), static_cast<unsigned>(p.heads)), kThreads>>>(
        static_cast<const float*>(q.get()), static_cast<const float*>(kv.get()), static_cast<const float*>(sink.get()),
        static_cast<const std::int32_t*>(idx.get()), static_cast<float*>(out.get()), p.heads, p.dim, p.topk, p.scale);
    SEEK_CUDA_CHECK(cudaGetLastError());
  }
  SEEK_CUDA_CHECK(cudaDeviceSynchronize());
  SEEK_CUDA_CHECK(cudaMemcpy(p.out, out.get(), n(p.tokens * p.heads * p.dim) * sizeof(float), cudaMemcpyDeviceToHost));
  return ok_status();
}

}  // namespace seek::engine
