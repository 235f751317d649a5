// The number formats of DeepSeek V4 checkpoints and their conversions, bit-exact:
// BF16, FP8 E4M3 (FN: no infinities, max 448), UE8M0 power-of-two scales, MXFP4 E2M1
// (two a byte, low nibble first). Encoders round to nearest even and saturate, as the
// official kernels' casts do; the power-of-two scale is the kernels' fast_round_scale:
// 2^ceil(log2(amax / max)) computed on the float's bits.
#pragma once

#include <cstddef>
#include <cstdint>

namespace seek::engine::quant {

float bf16_to_float(std::uint16_t bits);
std::uint16_t float_to_bf16(float value);  ///< round to nearest even; NaN stays NaN

float e4m3_to_float(std::uint8_t bits);
std::uint8_t float_to_e4m3(float value);  ///< nearest even, saturating at ±448

float e8m0_to_float(std::uint8_t bits);  ///< 2^(bits-127); 255 is NaN
/// The byte of a power of two (as the scales are); other values are rounded up to one.
std::uint8_t pow2_to_e8m0(float value);

float e2m1_to_float(std::uint8_t nibble);  ///< low 4 bits: sign bit 3, {0,.5,1,1.5,2,3,4,6}
std::uint8_t float_to_e2m1(float value);   ///< nearest even, saturating at ±6

/// The kernels' scale for a block: 2^ceil(log2(amax * inv_max)), from the float's bits.
float pow2_ceil_scale(float amax, float inv_max);

/// Quantizes a row-major float matrix [rows, cols] to FP8 with one UE8M0 scale per 128x128
/// tile: `weights` [rows, cols] bytes, `scales` [ceil(rows/128), ceil(cols/128)] bytes.
void quantize_fp8_blocks(const float* matrix, std::int64_t rows, std::int64_t cols, std::uint8_t* weights,
                         std::uint8_t* scales);

/// Quantizes [rows, cols] to MXFP4: `packed` [rows, cols/2] (low nibble = even column),
/// `scales` [rows, cols/32]. cols must be a multiple of 32.
void quantize_fp4_rows(const float* matrix, std::int64_t rows, std::int64_t cols, std::uint8_t* packed,
                       std::uint8_t* scales);

}  // namespace seek::engine::quant
