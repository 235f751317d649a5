// Quantization round trips and the Hadamard rotation on the CPU (see ops/activation_quant.h).
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <vector>

#include "engine/checkpoint/quant.h"
#include "engine/ops/activation_quant.h"

namespace seek::engine {
namespace {

float bf16(float v) { return quant::bf16_to_float(quant::float_to_bf16(v)); }

Status check_shape(const char* op, std::int64_t rows, std::int64_t cols, std::int64_t stride, std::int64_t block) {
  if (rows < 0 || cols <= 0 || stride < cols || block <= 0 || cols % block != 0) {
    return make_error(ErrorCode::kInvalidArgument,
                      fmt::format("{}: cols {} must be a positive multiple of {} and fit the stride {}", op, cols, block, stride));
  }
  return ok_status();
}

}  // namespace

Status fp8_round_trip(float* x, std::int64_t rows, std::int64_t cols, std::int64_t stride, std::int64_t block) {
  SEEK_RETURN_IF_ERROR(check_shape("fp8_round_trip", rows, cols, stride, block));
  for (std::int64_t r = 0; r < rows; ++r) {
    for (std::int64_t b = 0; b < cols; b += block) {
      float* v = x + r * stride + b;
      float amax = 1e-4f;
      for (std::int64_t i = 0; i < block; ++i) amax = std::max(amax, std::fabs(v[i]));
      const float s = quant::pow2_ceil_scale(amax, 1.0f / 448.0f);
      for (std::int64_t i = 0; i < block; ++i) {
        v[i] = bf16(quant::e4m3_to_float(quant::float_to_e4m3(std::clamp(v[i] / s, -448.0f, 448.0f))) * s);
      }
    }
  }
  return ok_status();
}

Status fp4_round_trip(float* x, std::int64_t rows, std::int64_t cols, std::int64_t stride) {
  SEEK_RETURN_IF_ERROR(check_shape("fp4_round_trip", rows, cols, stride, 32));
  for (std::int64_t r = 0; r < rows; ++r) {
    for (std::int64_t b = 0; b < cols; b += 32) {
      float* v = x + r * stride + b;
      float amax = 6.0f * std::ldexp(1.0f, -126);
      for (int i = 0; i < 32; ++i) amax = std::max(amax, std::fabs(v[i]));
      const float s = quant::pow2_ceil_scale(amax, 1.0f / 6.0f);
      for (int i = 0; i < 32; ++i) {
        v[i] = bf16(quant::e2m1_to_float(quant::float_to_e2m1(std::clamp(v[i] / s, -6.0f, 6.0f))) * s);
      }
    }
  }
  return ok_status();
}

namespace {

template <class T>
Status hadamard(float* x, std::int64_t rows, std::int64_t n) {
  if (n <= 0 || (n & (n - 1)) != 0) {
    return make_error(ErrorCode::kInvalidArgument, fmt::format("hadamard: length {} is not a power of two", n));
  }
  thread_local std::vector<T> v;  // reused: no allocation per call once warm
  v.resize(static_cast<std::size_t>(n));
  const T scale = T(1) / std::sqrt(static_cast<T>(n));
  for (std::int64_t r = 0; r < rows; ++r) {
    float* row = x + r * n;
    for (std::int64_t i = 0; i < n; ++i) v[static_cast<std::size_t>(i)] = row[i];
    for (std::int64_t h = 1; h < n; h <<= 1) {  // Sylvester butterflies
      for (std::int64_t i = 0; i < n; i += 2 * h) {
        for (std::int64_t j = i; j < i + h; ++j) {
          const T a = v[static_cast<std::size_t>(j)], b = v[static_cast<std::size_t>(j + h)];
          v[static_cast<std::size_t>(j)] = a + b;
          v[static_cast<std::size_t>(j + h)] = a - b;
        }
      }
    }
    for (std::int64_t i = 0; i < n; ++i) row[i] = bf16(static_cast<float>(v[static_cast<std::size_t>(i)] * scale));
  }
  return ok_status();
}

}  // namespace

Status hadamard_reference(float* x, std::int64_t rows, std::int64_t n) { return hadamard<double>(x, rows, n); }
Status hadamard_cpu(float* x, std::int64_t rows, std::int64_t n) { return hadamard<float>(x, rows, n); }

}  // namespace seek::engine
