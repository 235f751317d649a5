// Quantized linear layers on CUDA (see ops/quant_linear.h). Correctness first: one kernel
// quantizes the activations (a block per (row, 128 inputs), warp-shuffle max), one computes
// y with a thread per output column and FP32 sums per K-block, scales applied per block as
// the official kernels do. The tensor-core version comes with the performance work.
#include <cuda_fp8.h>
#include <cuda_runtime.h>

#include <cstdint>

#include "engine/cuda/cuda_check.h"
#include "engine/cuda/device_buffer.h"
#include "engine/device.h"
#include "engine/ops/quant_linear.h"

namespace seek::engine {
namespace {

__constant__ float kE2M1[16] = {0, 0.5f, 1, 1.5f, 2, 3, 4, 6, -0.0f, -0.5f, -1, -1.5f, -2, -3, -4, -6};

__device__ float e8m0(std::uint8_t b) { return __int_as_float(static_cast<int>(b) << 23); }  // 2^(b-127), b < 255
__device__ float e4m3(std::uint8_t b) {
  __nv_fp8_e4m3 v;
  v.__x = b;
  return static_cast<float>(v);
}

// The kernels' power-of-two scale: 2^ceil(log2(amax / 448)) from the float's bits.
__device__ float pow2_ceil_scale(float amax, float inv_max) {
  const unsigned bits = __float_as_uint(amax * inv_max);
  const int log2_ceil = static_cast<int>((bits >> 23) & 0xFF) - 127 + ((bits & 0x7FFFFF) != 0 ? 1 : 0);
  return __int_as_float((log2_ceil + 127) << 23);
}

// One block of 128 threads per (row, 128-input block).
__global__ void act_quant_kernel(const float* __restrict__ x,      // [rows, in]
                                 std::uint8_t* __restrict__ codes,  // [rows, in]
                                 std::uint8_t* __restrict__ scales, // [rows, in/128]
                                 std::int64_t in) {
  const std::int64_t row = blockIdx.y, block = blockIdx.x;
  const std::int64_t i = row * in + block * 128 + threadIdx.x;
  const float v = x[i];
  float amax = fabsf(v);
  for (int offset = 16; offset > 0; offset >>= 1) amax = fmaxf(amax, __shfl_xor_sync(0xffffffffu, amax, offset));
  __shared__ float warp_max[4];
  if (threadIdx.x % 32 == 0) warp_max[threadIdx.x / 32] = amax;
  __syncthreads();
  amax = fmaxf(fmaxf(fmaxf(warp_max[0], warp_max[1]), fmaxf(warp_max[2], warp_max[3])), 1e-4f);
  const float s = pow2_ceil_scale(amax, 1.0f / 448.0f);
  const __nv_fp8_e4m3 q(fminf(fmaxf(v / s, -448.0f), 448.0f));
  codes[i] = q.__x;
  if (threadIdx.x == 0) scales[row * (in / 128) + block] = static_cast<std::uint8_t>(((__float_as_uint(s) >> 23) & 0xFF));
}

// A thread per output column n of one row.
__global__ void quant_gemm_kernel(const std::uint8_t* __restrict__ codes,   // [rows, in]
                                  const std::uint8_t* __restrict__ a_scale, // [rows, in/128]
                                  const std::uint8_t* __restrict__ weight,  // [out, in] or [out, in/2]
                                  const std::uint8_t* __restrict__ w_scale,
                                  float* __restrict__ y,                    // [rows, out]
                                  std::int64_t in, std::int64_t out, bool fp4) {
  const std::int64_t n = static_cast<std::int64_t>(blockIdx.x) * blockDim.x + threadIdx.x;
  const std::int64_t row = blockIdx.y;
  if (n >= out) return;
  const std::uint8_t* a = codes + row * in;
  float acc = 0.0f;
  if (!fp4) {
    const std::int64_t col_blocks = (in + 127) / 128;
    for (std::int64_t kb = 0; kb < in / 128; ++kb) {
      float partial = 0.0f;
      for (int k = 0; k < 128; ++k) partial += e4m3(a[kb * 128 + k]) * e4m3(weight[n * in + kb * 128 + k]);
      acc += partial * (e8m0(a_scale[row * (in / 128) + kb]) * e8m0(w_scale[(n / 128) * col_blocks + kb]));
    }
  } else {
    for (std::int64_t g = 0; g < in / 32; ++g) {
      float partial = 0.0f;
      for (int k = 0; k < 32; k += 2) {
        const std::uint8_t byte = weight[n * (in / 2) + g * 16 + k / 2];
        partial += e4m3(a[g * 32 + k]) * kE2M1[byte & 15] + e4m3(a[g * 32 + k + 1]) * kE2M1[byte >> 4];
      }
      acc += partial * e8m0(a_scale[row * (in / 128) + g / 4]) * e8m0(w_scale[n * (in / 32) + g]);
    }
  }
  y[row * out + n] = __bfloat162float(__float2bfloat16_rn(acc));
}

Status launch(const QuantLinearParams& p, std::uint8_t* codes, std::uint8_t* scales, cudaStream_t stream) {
  if (p.rows == 0) return ok_status();
  if (p.rows > 65535) return make_error(ErrorCode::kInvalidArgument, "quant_linear_cuda: more than 65535 rows in one call");
  act_quant_kernel<<<dim3(static_cast<unsigned>(p.in / 128), static_cast<unsigned>(p.rows)), 128, 0, stream>>>(
      p.x, codes, scales, p.in);
  SEEK_CUDA_CHECK(cudaGetLastError());
  quant_gemm_kernel<<<dim3(static_cast<unsigned>((p.out + 127) / 128), static_cast<unsigned>(p.rows)), 128, 0, stream>>>(
      codes, scales, p.weight, p.scale, p.y, p.in, p.out, p.format == WeightFormat::kMxfp4);
  SEEK_CUDA_CHECK(cudaGetLastError());
  return ok_status();
}

std::size_t weight_bytes(const QuantLinearParams& p) {
  return static_cast<std::size_t>(p.format == WeightFormat::kMxfp4 ? p.out * (p.in / 2) : p.out * p.in);
}
std::size_t scale_bytes(const QuantLinearParams& p) {
  return static_cast<std::size_t>(p.format == WeightFormat::kMxfp4 ? p.out * (p.in / 32)
                                                                   : ((p.out + 127) / 128) * ((p.in + 127) / 128));
}

}  // namespace

Status quant_linear_cuda(const QuantLinearParams& p, void* stream) {
  SEEK_RETURN_IF_ERROR(validate(p));
  SEEK_ASSIGN_OR_RETURN(auto codes, cuda::device_alloc(static_cast<std::size_t>(p.rows * p.in)));
  SEEK_ASSIGN_OR_RETURN(auto scales, cuda::device_alloc(static_cast<std::size_t>(p.rows * (p.in / 128))));
  SEEK_RETURN_IF_ERROR(launch(p, static_cast<std::uint8_t*>(codes.get()), static_cast<std::uint8_t*>(scales.get()),
                              static_cast<cudaStream_t>(stream)));
  // The scratch buffers are freed on return: wait for the kernels that use them.
  SEEK_CUDA_CHECK(cudaStreamSynchronize(static_cast<cudaStream_t>(stream)));
  return ok_status();
}

Status quant_linear_cuda_from_host(const QuantLinearParams& p) {
  SEEK_RETURN_IF_ERROR(validate(p));
  auto devices = cuda_devices();
  if (!devices.ok()) return devices.error();
  const std::size_t x_bytes = static_cast<std::size_t>(p.rows * p.in) * sizeof(float);
  const std::size_t y_bytes = static_cast<std::size_t>(p.rows * p.out) * sizeof(float);
  SEEK_ASSIGN_OR_RETURN(auto d_x, cuda::device_alloc(x_bytes));
  SEEK_ASSIGN_OR_RETURN(auto d_y, cuda::device_alloc(y_bytes));
  SEEK_ASSIGN_OR_RETURN(auto d_w, cuda::device_alloc(weight_bytes(p)));
  SEEK_ASSIGN_OR_RETURN(auto d_s, cuda::device_alloc(scale_bytes(p)));
  SEEK_CUDA_CHECK(cudaMemcpy(d_x.get(), p.x, x_bytes, cudaMemcpyHostToDevice));
  SEEK_CUDA_CHECK(cudaMemcpy(d_w.get(), p.weight, weight_bytes(p), cudaMemcpyHostToDevice));
  SEEK_CUDA_CHECK(cudaMemcpy(d_s.get(), p.scale, scale_bytes(p), cudaMemcpyHostToDevice));
  QuantLinearParams dp = p;
  dp.x = static_cast<const float*>(d_x.get());
  dp.y = static_cast<float*>(d_y.get());
  dp.weight = static_cast<const std::uint8_t*>(d_w.get());
  dp.scale = static_cast<const std::uint8_t*>(d_s.get());
  SEEK_RETURN_IF_ERROR(quant_linear_cuda(dp, nullptr));
  SEEK_CUDA_CHECK(cudaMemcpy(p.y, d_y.get(), y_bytes, cudaMemcpyDeviceToHost));
  return ok_status();
}

}  // namespace seek::engine
