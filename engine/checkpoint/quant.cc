// Bit-exact number format conversions (see quant.h).
#include "engine/checkpoint/quant.h"

#include <algorithm>
#include <array>
#include <bit>
#include <cmath>
#include <cstring>
#include <limits>

namespace seek::engine::quant {
namespace {

const std::array<float, 256>& e4m3_table() {
  static const std::array<float, 256> table = [] {
    std::array<float, 256> t{};
    for (int b = 0; b < 256; ++b) {
      const int sign = b >> 7, exponent = (b >> 3) & 0xF, mantissa = b & 7;
      float v;
      if (exponent == 0xF && mantissa == 7) {
        v = std::numeric_limits<float>::quiet_NaN();  // E4M3FN has one NaN per sign, no infinity
      } else if (exponent == 0) {
        v = std::ldexp(static_cast<float>(mantissa), -9);  // subnormal: m/8 * 2^-6
      } else {
        v = std::ldexp(1.0f + mantissa / 8.0f, exponent - 7);
      }
      t[static_cast<std::size_t>(b)] = sign ? -v : v;
    }
    return t;
  }();
  return table;
}

constexpr float kE2M1[8] = {0.0f, 0.5f, 1.0f, 1.5f, 2.0f, 3.0f, 4.0f, 6.0f};

}  // namespace

float bf16_to_float(std::uint16_t bits) { return std::bit_cast<float>(static_cast<std::uint32_t>(bits) << 16); }

std::uint16_t float_to_bf16(float value) {
  const std::uint32_t bits = std::bit_cast<std::uint32_t>(value);
  if (std::isnan(value)) return static_cast<std::uint16_t>((bits >> 16) | 0x40);  // keep it a quiet NaN
  const std::uint32_t rounding = 0x7FFF + ((bits >> 16) & 1);
  return static_cast<std::uint16_t>((bits + rounding) >> 16);
}

float e4m3_to_float(std::uint8_t bits) { return e4m3_table()[bits]; }

std::uint8_t float_to_e4m3(float value) {
  if (std::isnan(value)) return 0x7F;
  const std::uint8_t sign = std::signbit(value) ? 0x80 : 0x00;
  float a = std::fabs(value);
  if (a >= 448.0f) return sign | 0x7E;  // saturate (the kernels clamp to ±448 first)
  if (a < std::ldexp(1.0f, -6)) {
    // Subnormals are multiples of 2^-9; nearbyint rounds half to even.
    const int m = static_cast<int>(std::nearbyint(std::ldexp(a, 9)));
    return sign | static_cast<std::uint8_t>(m);  // m == 8 is the smallest normal, 0x08
  }
  int exponent = 0;
  const float fraction = std::frexp(a, &exponent);  // a = fraction * 2^exponent, fraction in [0.5, 1)
  int e = exponent - 1;                               // a = (2 * fraction) * 2^e
  int m = static_cast<int>(std::nearbyint((2.0f * fraction - 1.0f) * 8.0f));
  if (m == 8) {
    m = 0;
    ++e;
  }
  if (e > 8 || (e == 8 && m > 6)) return sign | 0x7E;
  return sign | static_cast<std::uint8_t>(((e + 7) << 3) | m);
}

float e8m0_to_float(std::uint8_t bits) {
  // Built from the bits: this runs once per 32 weights in the FP4 GEMM.
  if (bits == 0xFF) return std::numeric_limits<float>::quiet_NaN();
  const std::uint32_t word = bits == 0 ? 0x00400000u : static_cast<std::uint32_t>(bits) << 23;  // 2^-127 is subnormal
  float value;
  std::memcpy(&value, &word, 4);
  return value;
}

std::uint8_t pow2_to_e8m0(float value) {
  if (!(value > 0) || std::isnan(value)) return 0xFF;
  int exponent = 0;
  const float fraction = std::frexp(value, &exponent);
  int e = exponent - 1 + (fraction > 0.5f ? 1 : 0);  // round up to a power of two
  return static_cast<std::uint8_t>(std::clamp(e + 127, 0, 254));
}

float e2m1_to_float(std::uint8_t nibble) {
  const float v = kE2M1[nibble & 7];
  return (nibble & 8) ? -v : v;
}

std::uint8_t float_to_e2m1(float value) {
  const std::uint8_t sign = std::signbit(value) ? 8 : 0;
  const float a = std::min(std::fabs(value), 6.0f);
  std::uint8_t best = 0;
  float best_distance = std::numeric_limits<float>::infinity();
  for (std::uint8_t code = 0; code < 8; ++code) {
    const float distance = std::fabs(kE2M1[code] - a);
    // Ties go to the even code (an even mantissa), as round-to-nearest-even does.
    if (distance < best_distance || (distance == best_distance && (code & 1) == 0)) {
      best = code;
      best_distance = distance;
    }
  }
  return sign | best;
}

float pow2_ceil_scale(float amax, float inv_max) {
  const std::uint32_t bits = std::bit_cast<std::uint32_t>(amax * inv_max);
  const int exponent = static_cast<int>((bits >> 23) & 0xFF);
  const int log2_ceil = exponent - 127 + ((bits & 0x7FFFFF) != 0 ? 1 : 0);
  return std::bit_cast<float>(static_cast<std::uint32_t>(log2_ceil + 127) << 23);
}

void quantize_fp8_blocks(const float* matrix, std::int64_t rows, std::int64_t cols, std::uint8_t* weights,
                         std::uint8_t* scales) {
  const std::int64_t row_blocks = (rows + 127) / 128, col_blocks = (cols + 127) / 128;
  for (std::int64_t rb = 0; rb < row_blocks; ++rb) {
    for (std::int64_t cb = 0; cb < col_blocks; ++cb) {
      const std::int64_t r_end = std::min(rows, (rb + 1) * 128), c_end = std::min(cols, (cb + 1) * 128);
      float amax = 1e-4f;  // the kernels' floor, so an all-zero tile gets a finite scale
      for (std::int64_t r = rb * 128; r < r_end; ++r) {
        for (std::int64_t c = cb * 128; c < c_end; ++c) amax = std::max(amax, std::fabs(matrix[r * cols + c]));
      }
      const float scale = pow2_ceil_scale(amax, 1.0f / 448.0f);
      scales[rb * col_blocks + cb] = pow2_to_e8m0(scale);
      for (std::int64_t r = rb * 128; r < r_end; ++r) {
        for (std::int64_t c = cb * 128; c < c_end; ++c) {
          weights[r * cols + c] = float_to_e4m3(std::clamp(matrix[r * cols + c] / scale, -448.0f, 448.0f));
        }
      }
    }
  }
}

void quantize_fp4_rows(const float* matrix, std::int64_t rows, std::int64_t cols, std::uint8_t* packed,
                       std::uint8_t* scales) {
  for (std::int64_t r = 0; r < rows; ++r) {
    for (std::int64_t g = 0; g < cols / 32; ++g) {
      const float* x = matrix + r * cols + g * 32;
      float amax = 6.0f * std::ldexp(1.0f, -126);
      for (int k = 0; k < 32; ++k) amax = std::max(amax, std::fabs(x[k]));
      const float scale = pow2_ceil_scale(amax, 1.0f / 6.0f);
      scales[r * (cols / 32) + g] = pow2_to_e8m0(scale);
      for (int k = 0; k < 32; k += 2) {
        const std::uint8_t lo = float_to_e2m1(std::clamp(x[k] / scale, -6.0f, 6.0f));
        const std::uint8_t hi = float_to_e2m1(std::clamp(x[k + 1] / scale, -6.0f, 6.0f));
        packed[r * (cols / 2) + (g * 32 + k) / 2] = static_cast<std::uint8_t>(lo | (hi << 4));
      }
    }
  }
}

}  // namespace seek::engine::quant
