// RMSNorm on the CPU: the plain reference (llm.c style) and the optimized paths. The
// optimized paths keep 16 (AVX-512) or 8 (AVX2) partial sums of squares in FP32 lanes, as a
// GPU or torch reduction does; the reference accumulates in double and is the truth.
#include <immintrin.h>

#include <cmath>
#include <cstddef>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "base/check.h"
#include "engine/ops/rms_norm.h"

namespace seek::engine {

Status validate(const RmsNormParams& p) {
  if (p.rows < 0) return make_error(ErrorCode::kInvalidArgument, fmt::format("rms_norm: rows = {} < 0", p.rows));
  if (p.dim <= 0) return make_error(ErrorCode::kInvalidArgument, fmt::format("rms_norm: dim = {} <= 0", p.dim));
  if (!(p.eps >= 0.0f)) return make_error(ErrorCode::kInvalidArgument, "rms_norm: eps must be >= 0");
  if (p.rows > 0 && (p.x == nullptr || p.y == nullptr)) {
    return make_error(ErrorCode::kInvalidArgument, "rms_norm: x and y must not be null");
  }
  return ok_status();
}

void rms_norm_reference(const RmsNormParams& p) {
  for (int64_t r = 0; r < p.rows; ++r) {
    const float* x = p.x + r * p.dim;  // [dim]
    float* y = p.y + r * p.dim;        // [dim]
    double sum_sq = 0.0;
    for (int64_t i = 0; i < p.dim; ++i) sum_sq += static_cast<double>(x[i]) * x[i];
    const double inv_rms = 1.0 / std::sqrt(sum_sq / static_cast<double>(p.dim) + p.eps);
    for (int64_t i = 0; i < p.dim; ++i) {
      const double w = p.weight ? p.weight[i] : 1.0;
      y[i] = static_cast<float>(x[i] * inv_rms * w);
    }
  }
}

namespace {

void rms_norm_portable(const RmsNormParams& p) {
  for (int64_t r = 0; r < p.rows; ++r) {
    const float* x = p.x + r * p.dim;  // [dim]
    float* y = p.y + r * p.dim;        // [dim]
    float partial[8] = {};
    int64_t i = 0;
    for (; i + 8 <= p.dim; i += 8) {
      for (int k = 0; k < 8; ++k) partial[k] += x[i + k] * x[i + k];
    }
    float sum_sq = 0.0f;
    for (float s : partial) sum_sq += s;
    for (; i < p.dim; ++i) sum_sq += x[i] * x[i];
    const float inv_rms = 1.0f / std::sqrt(sum_sq / static_cast<float>(p.dim) + p.eps);
    for (int64_t j = 0; j < p.dim; ++j) y[j] = x[j] * inv_rms * (p.weight ? p.weight[j] : 1.0f);
  }
}

__attribute__((target("avx2,fma"))) void rms_norm_avx2(const RmsNormParams& p) {
  for (int64_t r = 0; r < p.rows; ++r) {
    const float* x = p.x + r * p.dim;  // [dim]
    float* y = p.y + r * p.dim;        // [dim]
    __m256 acc = _mm256_setzero_ps();
    int64_t i = 0;
    for (; i + 8 <= p.dim; i += 8) {
      const __m256 v = _mm256_loadu_ps(x + i);
      acc = _mm256_fmadd_ps(v, v, acc);
    }
    // Horizontal sum of the 8 lanes.
    __m128 s = _mm_add_ps(_mm256_castps256_ps128(acc), _mm256_extractf128_ps(acc, 1));
    s = _mm_add_ps(s, _mm_movehl_ps(s, s));
    s = _mm_add_ss(s, _mm_shuffle_ps(s, s, 1));
    float sum_sq = _mm_cvtss_f32(s);
    for (; i < p.dim; ++i) sum_sq += x[i] * x[i];
    const float inv_rms = 1.0f / std::sqrt(sum_sq / static_cast<float>(p.dim) + p.eps);
    const __m256 scale = _mm256_set1_ps(inv_rms);
    int64_t j = 0;
    for (; j + 8 <= p.dim; j += 8) {
      __m256 v = _mm256_mul_ps(_mm256_loadu_ps(x + j), scale);
      if (p.weight) v = _mm256_mul_ps(v, _mm256_loadu_ps(p.weight + j));
      _mm256_storeu_ps(y + j, v);
    }
    for (; j < p.dim; ++j) y[j] = x[j] * inv_rms * (p.weight ? p.weight[j] : 1.0f);
  }
}

// GCC 12 warns falsely inside its own _mm512_maskz_loadu_ps ("__Y may be used
// uninitialized"), a known bug of its intrinsic headers; the masked loads are well defined.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
__attribute__((target("avx512f"))) void rms_norm_avx512(const RmsNormParams& p) {
  for (int64_t r = 0; r < p.rows; ++r) {
    const float* x = p.x + r * p.dim;  // [dim]
    float* y = p.y + r * p.dim;        // [dim]
    __m512 acc = _mm512_setzero_ps();
    int64_t i = 0;
    for (; i + 16 <= p.dim; i += 16) {
      const __m512 v = _mm512_loadu_ps(x + i);
      acc = _mm512_fmadd_ps(v, v, acc);
    }
    // The tail goes through a masked load, so no scalar loop is needed.
    if (i < p.dim) {
      const __mmask16 m = static_cast<__mmask16>((1u << (p.dim - i)) - 1u);
      const __m512 v = _mm512_maskz_loadu_ps(m, x + i);
      acc = _mm512_fmadd_ps(v, v, acc);
    }
    const float sum_sq = _mm512_reduce_add_ps(acc);
    const float inv_rms = 1.0f / std::sqrt(sum_sq / static_cast<float>(p.dim) + p.eps);
    const __m512 scale = _mm512_set1_ps(inv_rms);
    for (int64_t j = 0; j < p.dim; j += 16) {
      const int64_t left = p.dim - j;
      const __mmask16 m = left >= 16 ? static_cast<__mmask16>(0xFFFF)
                                     : static_cast<__mmask16>((1u << left) - 1u);
      __m512 v = _mm512_mul_ps(_mm512_maskz_loadu_ps(m, x + j), scale);
      if (p.weight) v = _mm512_mul_ps(v, _mm512_maskz_loadu_ps(m, p.weight + j));
      _mm512_mask_storeu_ps(y + j, m, v);
    }
  }
}

#pragma GCC diagnostic pop

using RmsNormFn = void (*)(const RmsNormParams&);

struct CpuPath {
  RmsNormFn fn;
  const char* isa;
};

// Every path this CPU can run, best first.
std::vector<CpuPath> supported_cpu_paths() {
  __builtin_cpu_init();
  std::vector<CpuPath> paths;
  if (__builtin_cpu_supports("avx512f")) paths.push_back({rms_norm_avx512, "avx512"});
  if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) paths.push_back({rms_norm_avx2, "avx2"});
  paths.push_back({rms_norm_portable, "portable"});
  return paths;
}

const CpuPath& cpu_path() {
  static const CpuPath path = supported_cpu_paths().front();
  return path;
}

}  // namespace

void rms_norm_cpu(const RmsNormParams& p) { cpu_path().fn(p); }

const char* rms_norm_cpu_isa() { return cpu_path().isa; }

std::vector<std::string> rms_norm_cpu_paths() {
  std::vector<std::string> names;
  for (const CpuPath& path : supported_cpu_paths()) names.emplace_back(path.isa);
  return names;
}

Status rms_norm_cpu_path(std::string_view isa, const RmsNormParams& p) {
  SEEK_RETURN_IF_ERROR(validate(p));
  for (const CpuPath& path : supported_cpu_paths()) {
    if (isa == path.isa) {
      path.fn(p);
      return ok_status();
    }
  }
  return make_error(ErrorCode::kUnsupported, fmt::format("rms_norm: CPU path '{}' is not available on this CPU", isa));
}

}  // namespace seek::engine
