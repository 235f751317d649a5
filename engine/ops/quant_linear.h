// Linear layers on quantized weights, as the official kernels compute them (kernel.py
// act_quant + fp8_gemm / fp4_gemm):
//  1. the activations are quantized to FP8 E4M3 per row and per 128 inputs, with a
//     power-of-two (UE8M0) scale 2^ceil(log2(max(amax, 1e-4) / 448));
//  2. y[m, n] = sum over K-blocks of (FP32 dot of the FP8 codes) x activation scale x
//     weight scale, where the weight is FP8 with one scale per 128x128 tile, or MXFP4
//     (E2M1, two a byte, low nibble first) with one scale per 32 inputs of a row and
//     K-blocks of 32;
//  3. y is rounded to BF16 (the model's default dtype).
// A plain reference (double sums), optimized CPU paths (AVX-512 / AVX2+FMA / portable,
// picked at run time, both cores through the thread pool) and a CUDA kernel share these params.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"

namespace seek::engine {

enum class WeightFormat { kFp8Block128, kMxfp4 };

struct QuantLinearParams {
  const float* x = nullptr;            ///< [rows, in] activations
  const std::uint8_t* weight = nullptr;  ///< FP8 [out, in] or packed MXFP4 [out, in/2]
  const std::uint8_t* scale = nullptr;   ///< UE8M0: FP8 [ceil(out/128), ceil(in/128)]; MXFP4 [out, in/32]
  WeightFormat format = WeightFormat::kFp8Block128;
  float* y = nullptr;                  ///< [rows, out], BF16-rounded values
  std::int64_t rows = 0, in = 0, out = 0;
};

Status validate(const QuantLinearParams& p);

/// The activation quantization alone (for tests and fused callers): codes [rows, in] and
/// scales [rows, in/128] (UE8M0 bytes).
void act_quant_reference(const float* x, std::int64_t rows, std::int64_t in, std::uint8_t* codes, std::uint8_t* scales);

void quant_linear_reference(const QuantLinearParams& p);
void quant_linear_cpu(const QuantLinearParams& p);
std::vector<std::string> quant_linear_cpu_paths();
Status quant_linear_cpu_path(std::string_view isa, const QuantLinearParams& p);

/// CUDA on device pointers; kUnsupported without CUDA.
Status quant_linear_cuda(const QuantLinearParams& p, void* stream);
/// CUDA on host buffers (copies in and out); kUnavailable without a usable GPU.
Status quant_linear_cuda_from_host(const QuantLinearParams& p);

}  // namespace seek::engine
