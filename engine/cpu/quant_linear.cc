// Quantized linear layers on the CPU (see ops/quant_linear.h): the reference and the
// optimized paths. Both quantize the activations exactly as act_quant does; they differ in
// how the dot products are summed (double vs FP32 lanes), as the GPU kernels differ again.
// The optimized paths decode FP8 weights with the exponent-rebias trick
// (bits << 20 reinterpreted as FP32, times 2^120, sign copied), FP4 with a 16-entry table.
#include <immintrin.h>

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <cstring>

#include "engine/checkpoint/quant.h"
#include "engine/ops/quant_linear.h"
#include "engine/cpu/thread_pool.h"

namespace seek::engine {
namespace {

using quant::e2m1_to_float;
using quant::e4m3_to_float;
using quant::e8m0_to_float;

struct PreparedActivations {
  std::vector<float> codes;   // [rows, in]: the FP8 values (unscaled)
  std::vector<float> even;    // [rows, in/2]: codes at even k (for MXFP4 byte order)
  std::vector<float> odd;     // [rows, in/2]
  std::vector<float> scales;  // [rows, in/128]
};

// The caller thread's buffers, reused from call to call (no allocation once warm).
const PreparedActivations& prepare(const QuantLinearParams& p) {
  thread_local PreparedActivations a;
  thread_local std::vector<std::uint8_t> codes, scales;
  const std::int64_t blocks = p.in / 128;
  codes.resize(static_cast<std::size_t>(p.rows * p.in));
  scales.resize(static_cast<std::size_t>(p.rows * blocks));
  act_quant_reference(p.x, p.rows, p.in, codes.data(), scales.data());
  a.codes.resize(codes.size());
  for (std::size_t i = 0; i < codes.size(); ++i) a.codes[i] = e4m3_to_float(codes[i]);
  a.scales.resize(scales.size());
  for (std::size_t i = 0; i < scales.size(); ++i) a.scales[i] = e8m0_to_float(scales[i]);
  if (p.format == WeightFormat::kMxfp4) {
    a.even.resize(codes.size() / 2);
    a.odd.resize(codes.size() / 2);
    for (std::size_t i = 0; i < codes.size() / 2; ++i) {
      a.even[i] = a.codes[2 * i];
      a.odd[i] = a.codes[2 * i + 1];
    }
  }
  return a;
}

float to_bf16(float v) { return quant::bf16_to_float(quant::float_to_bf16(v)); }

// The per-ISA pieces the generic loop calls.
struct Kernels {
  void (*decode_fp8)(const std::uint8_t* w, float* out);            // 128 values
  void (*decode_fp4)(const std::uint8_t* w, float* lo, float* hi);  // 16 bytes -> 16 even + 16 odd
  float (*dot)(const float* a, const float* b, int n);
};

constexpr float kE2M1Table[16] = {0, 0.5f, 1, 1.5f, 2, 3, 4, 6, -0.0f, -0.5f, -1, -1.5f, -2, -3, -4, -6};

void decode_fp8_portable(const std::uint8_t* w, float* out) {
  for (int i = 0; i < 128; ++i) out[i] = e4m3_to_float(w[i]);
}
void decode_fp4_portable(const std::uint8_t* w, float* lo, float* hi) {
  for (int i = 0; i < 16; ++i) {
    lo[i] = kE2M1Table[w[i] & 15];
    hi[i] = kE2M1Table[w[i] >> 4];
  }
}
float dot_portable(const float* a, const float* b, int n) {
  float partial[8] = {};
  for (int i = 0; i < n; i += 8) {
    for (int k = 0; k < 8; ++k) partial[k] += a[i + k] * b[i + k];
  }
  float s = 0;
  for (float v : partial) s += v;
  return s;
}

__attribute__((target("avx2,fma"))) void decode_fp8_avx2(const std::uint8_t* w, float* out) {
  const __m256i magnitude_mask = _mm256_set1_epi32(0x7F), sign_mask = _mm256_set1_epi32(0x80);
  const __m256 rebias = _mm256_set1_ps(0x1p120f);
  for (int i = 0; i < 128; i += 8) {
    const __m256i v = _mm256_cvtepu8_epi32(_mm_loadl_epi64(reinterpret_cast<const __m128i*>(w + i)));
    const __m256 magnitude =
        _mm256_mul_ps(_mm256_castsi256_ps(_mm256_slli_epi32(_mm256_and_si256(v, magnitude_mask), 20)), rebias);
    const __m256 sign = _mm256_castsi256_ps(_mm256_slli_epi32(_mm256_and_si256(v, sign_mask), 24));
    _mm256_storeu_ps(out + i, _mm256_or_ps(magnitude, sign));
  }
}
// E2M1 nibbles (sign in bit 3) to floats: the magnitude from an 8-entry permute, the sign
// moved to bit 31.
__attribute__((target("avx2,fma"))) inline __m256 decode_nibbles_avx2(__m256i nib) {
  const __m256 positive = _mm256_setr_ps(0, 0.5f, 1, 1.5f, 2, 3, 4, 6);
  const __m256 magnitude = _mm256_permutevar8x32_ps(positive, nib);  // uses the low 3 bits
  const __m256 sign = _mm256_castsi256_ps(_mm256_slli_epi32(_mm256_and_si256(nib, _mm256_set1_epi32(8)), 28));
  return _mm256_or_ps(magnitude, sign);
}

__attribute__((target("avx2,fma"))) void decode_fp4_avx2(const std::uint8_t* w, float* lo, float* hi) {
  for (int i = 0; i < 16; i += 8) {
    const __m256i v = _mm256_cvtepu8_epi32(_mm_loadl_epi64(reinterpret_cast<const __m128i*>(w + i)));
    _mm256_storeu_ps(lo + i, decode_nibbles_avx2(_mm256_and_si256(v, _mm256_set1_epi32(15))));
    _mm256_storeu_ps(hi + i, decode_nibbles_avx2(_mm256_srli_epi32(v, 4)));
  }
}
__attribute__((target("avx2,fma"))) float dot_avx2(const float* a, const float* b, int n) {
  __m256 s0 = _mm256_setzero_ps(), s1 = _mm256_setzero_ps();
  int i = 0;
  for (; i + 16 <= n; i += 16) {
    s0 = _mm256_fmadd_ps(_mm256_loadu_ps(a + i), _mm256_loadu_ps(b + i), s0);
    s1 = _mm256_fmadd_ps(_mm256_loadu_ps(a + i + 8), _mm256_loadu_ps(b + i + 8), s1);
  }
  for (; i < n; i += 8) s0 = _mm256_fmadd_ps(_mm256_loadu_ps(a + i), _mm256_loadu_ps(b + i), s0);
  const __m256 s = _mm256_add_ps(s0, s1);
  __m128 r = _mm_add_ps(_mm256_castps256_ps128(s), _mm256_extractf128_ps(s, 1));
  r = _mm_add_ps(r, _mm_movehl_ps(r, r));
  r = _mm_add_ss(r, _mm_shuffle_ps(r, r, 1));
  return _mm_cvtss_f32(r);
}

// GCC 12 reports its own AVX-512 intrinsic headers as using uninitialized values.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wuninitialized"
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
__attribute__((target("avx512f"))) void decode_fp8_avx512(const std::uint8_t* w, float* out) {
  const __m512i magnitude_mask = _mm512_set1_epi32(0x7F), sign_mask = _mm512_set1_epi32(0x80);
  const __m512 rebias = _mm512_set1_ps(0x1p120f);
  for (int i = 0; i < 128; i += 16) {
    const __m512i v = _mm512_cvtepu8_epi32(_mm_loadu_si128(reinterpret_cast<const __m128i*>(w + i)));
    const __m512 magnitude =
        _mm512_mul_ps(_mm512_castsi512_ps(_mm512_slli_epi32(_mm512_and_si512(v, magnitude_mask), 20)), rebias);
    const __m512i sign = _mm512_slli_epi32(_mm512_and_si512(v, sign_mask), 24);
    _mm512_storeu_ps(out + i, _mm512_castsi512_ps(_mm512_or_si512(_mm512_castps_si512(magnitude), sign)));
  }
}
__attribute__((target("avx512f"))) void decode_fp4_avx512(const std::uint8_t* w, float* lo, float* hi) {
  const __m512 table = _mm512_loadu_ps(kE2M1Table);
  const __m512i v = _mm512_cvtepu8_epi32(_mm_loadu_si128(reinterpret_cast<const __m128i*>(w)));
  _mm512_storeu_ps(lo, _mm512_permutexvar_ps(_mm512_and_si512(v, _mm512_set1_epi32(15)), table));
  _mm512_storeu_ps(hi, _mm512_permutexvar_ps(_mm512_srli_epi32(v, 4), table));
}
__attribute__((target("avx512f"))) float dot_avx512(const float* a, const float* b, int n) {
  __m512 s0 = _mm512_setzero_ps(), s1 = _mm512_setzero_ps();
  int i = 0;
  for (; i + 32 <= n; i += 32) {
    s0 = _mm512_fmadd_ps(_mm512_loadu_ps(a + i), _mm512_loadu_ps(b + i), s0);
    s1 = _mm512_fmadd_ps(_mm512_loadu_ps(a + i + 16), _mm512_loadu_ps(b + i + 16), s1);
  }
  for (; i < n; i += 16) s0 = _mm512_fmadd_ps(_mm512_loadu_ps(a + i), _mm512_loadu_ps(b + i), s0);
  return _mm512_reduce_add_ps(_mm512_add_ps(s0, s1));
}

#pragma GCC diagnostic pop

const Kernels kPortable{decode_fp8_portable, decode_fp4_portable, dot_portable};
const Kernels kAvx2{decode_fp8_avx2, decode_fp4_avx2, dot_avx2};
const Kernels kAvx512{decode_fp8_avx512, decode_fp4_avx512, dot_avx512};

bool cpu_has(std::string_view isa) {
  if (isa == "portable") return true;
  if (isa == "avx2") return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
  if (isa == "avx512") return __builtin_cpu_supports("avx512f");
  return false;
}

const Kernels* kernels_for(std::string_view isa) {
  if (isa == "avx512") return &kAvx512;
  if (isa == "avx2") return &kAvx2;
  if (isa == "portable") return &kPortable;
  return nullptr;
}

// Output columns [n_begin, n_end): decode each weight block once, use it for every row.
void run_columns(const QuantLinearParams& p, const PreparedActivations& a, const Kernels& k, std::int64_t n_begin,
                 std::int64_t n_end) {
  thread_local std::vector<float> acc;
  acc.resize(static_cast<std::size_t>(p.rows));
  alignas(64) float w[128], lo[16], hi[16];
  const std::int64_t act_blocks = p.in / 128;
  for (std::int64_t n = n_begin; n < n_end; ++n) {
    std::fill(acc.begin(), acc.end(), 0.0f);
    if (p.format == WeightFormat::kFp8Block128) {
      const std::int64_t col_blocks = (p.in + 127) / 128;
      for (std::int64_t kb = 0; kb < act_blocks; ++kb) {
        k.decode_fp8(p.weight + n * p.in + kb * 128, w);
        const float ws = e8m0_to_float(p.scale[(n / 128) * col_blocks + kb]);
        for (std::int64_t m = 0; m < p.rows; ++m) {
          const float partial = k.dot(a.codes.data() + m * p.in + kb * 128, w, 128);
          acc[static_cast<std::size_t>(m)] += partial * (a.scales[static_cast<std::size_t>(m * act_blocks + kb)] * ws);
        }
      }
    } else {
      const std::int64_t groups = p.in / 32;
      for (std::int64_t g = 0; g < groups; ++g) {
        k.decode_fp4(p.weight + n * (p.in / 2) + g * 16, lo, hi);
        const float ws = e8m0_to_float(p.scale[n * groups + g]);
        for (std::int64_t m = 0; m < p.rows; ++m) {
          const std::int64_t base = m * (p.in / 2) + g * 16;
          const float partial = k.dot(a.even.data() + base, lo, 16) + k.dot(a.odd.data() + base, hi, 16);
          acc[static_cast<std::size_t>(m)] += partial * a.scales[static_cast<std::size_t>(m * act_blocks + g / 4)] * ws;
        }
      }
    }
    for (std::int64_t m = 0; m < p.rows; ++m) p.y[m * p.out + n] = to_bf16(acc[static_cast<std::size_t>(m)]);
  }
}

void run(const QuantLinearParams& p, const Kernels& k) {
  const PreparedActivations& a = prepare(p);
  ThreadPool::global().parallel_for(p.out, [&](std::int64_t begin, std::int64_t end) { run_columns(p, a, k, begin, end); });
}

}  // namespace

Status validate(const QuantLinearParams& p) {
  const auto bad = [](const std::string& what) { return make_error(ErrorCode::kInvalidArgument, "quant_linear: " + what); };
  if (p.rows < 0 || p.in <= 0 || p.out <= 0) return bad(fmt::format("bad shape rows={} in={} out={}", p.rows, p.in, p.out));
  if (p.in % 128 != 0) return bad(fmt::format("in = {} must be a multiple of 128 (activation blocks)", p.in));
  if (!p.weight || !p.scale || (p.rows > 0 && (!p.x || !p.y))) return bad("null pointer");
  return ok_status();
}

void act_quant_reference(const float* x, std::int64_t rows, std::int64_t in, std::uint8_t* codes, std::uint8_t* scales) {
  const std::int64_t blocks = in / 128;
  for (std::int64_t m = 0; m < rows; ++m) {
    for (std::int64_t b = 0; b < blocks; ++b) {
      const float* v = x + m * in + b * 128;  // [128]
      float amax = 1e-4f;                      // the kernel's floor
      for (int i = 0; i < 128; ++i) amax = std::max(amax, std::fabs(v[i]));
      const float s = quant::pow2_ceil_scale(amax, 1.0f / 448.0f);
      scales[m * blocks + b] = quant::pow2_to_e8m0(s);
      for (int i = 0; i < 128; ++i) codes[m * in + b * 128 + i] = quant::float_to_e4m3(std::clamp(v[i] / s, -448.0f, 448.0f));
    }
  }
}

void quant_linear_reference(const QuantLinearParams& p) {
  const std::int64_t act_blocks = p.in / 128;
  std::vector<std::uint8_t> codes(static_cast<std::size_t>(p.rows * p.in)), scales(static_cast<std::size_t>(p.rows * act_blocks));
  act_quant_reference(p.x, p.rows, p.in, codes.data(), scales.data());
  for (std::int64_t m = 0; m < p.rows; ++m) {
    for (std::int64_t n = 0; n < p.out; ++n) {
      double acc = 0;
      if (p.format == WeightFormat::kFp8Block128) {
        const std::int64_t col_blocks = (p.in + 127) / 128;
        for (std::int64_t kb = 0; kb < act_blocks; ++kb) {
          double partial = 0;
          for (std::int64_t k = kb * 128; k < kb * 128 + 128; ++k) {
            partial += static_cast<double>(e4m3_to_float(codes[m * p.in + k])) * e4m3_to_float(p.weight[n * p.in + k]);
          }
          acc += partial * e8m0_to_float(scales[m * act_blocks + kb]) * e8m0_to_float(p.scale[(n / 128) * col_blocks + kb]);
        }
      } else {
        for (std::int64_t g = 0; g < p.in / 32; ++g) {
          double partial = 0;
          for (std::int64_t k = g * 32; k < g * 32 + 32; ++k) {
            const std::uint8_t byte = p.weight[n * (p.in / 2) + k / 2];
            partial += static_cast<double>(e4m3_to_float(codes[m * p.in + k])) * e2m1_to_float(k % 2 ? byte >> 4 : byte & 15);
          }
          acc += partial * e8m0_to_float(scales[m * act_blocks + g / 4]) * e8m0_to_float(p.scale[n * (p.in / 32) + g]);
        }
      }
      p.y[m * p.out + n] = to_bf16(static_cast<float>(acc));
    }
  }
}

std::vector<std::string> quant_linear_cpu_paths() {
  std::vector<std::string> paths;
  for (const char* isa : {"avx512", "avx2", "portable"}) {
    if (cpu_has(isa)) paths.emplace_back(isa);
  }
  return paths;
}

Status quant_linear_cpu_path(std::string_view isa, const QuantLinearParams& p) {
  const Kernels* k = kernels_for(isa);
  if (!k || !cpu_has(isa)) return make_error(ErrorCode::kUnsupported, fmt::format("quant_linear: no '{}' path here", isa));
  SEEK_RETURN_IF_ERROR(validate(p));
  run(p, *k);
  return ok_status();
}

void quant_linear_cpu(const QuantLinearParams& p) {
  static const Kernels* best = kernels_for(quant_linear_cpu_paths().front());
  run(p, *best);
}

}  // namespace seek::engine
