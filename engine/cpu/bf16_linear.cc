// BF16-weight linears on the CPU (see ops/bf16_linear.h): the reference sums in double; the
// fast path converts each weight row to FP32 once and reuses it for every input row (or,
// for one or two rows, reads the BF16 weights directly), 16-lane partial sums per ISA.
#include <cmath>
#include <vector>

#include "engine/checkpoint/quant.h"
#include "engine/cpu/dot.h"
#include "engine/ops/bf16_linear.h"
#include "engine/cpu/thread_pool.h"

namespace seek::engine {
namespace {

float bf16(float v) { return quant::bf16_to_float(quant::float_to_bf16(v)); }

__attribute__((target_clones("avx512f", "avx2", "default"))) void widen(const std::uint16_t* w, float* out, std::int64_t n) {
  for (std::int64_t i = 0; i < n; ++i) {
    const std::uint32_t bits = static_cast<std::uint32_t>(w[i]) << 16;
    __builtin_memcpy(out + i, &bits, 4);
  }
}


// dot_f32(a, widen(w)) without the widened copy, in exactly the same order (so the same bits):
// for one or two input rows (decode) the copy costs more than the arithmetic.
__attribute__((target_clones("avx512f", "avx2", "default"))) float dot_bf16(const float* a, const std::uint16_t* w,
                                                                              std::int64_t n) {
  float partial[16] = {};
  std::int64_t i = 0;
  const auto widen_one = [](std::uint16_t h) {
    const std::uint32_t bits = static_cast<std::uint32_t>(h) << 16;
    float f;
    __builtin_memcpy(&f, &bits, 4);
    return f;
  };
  for (; i + 16 <= n; i += 16) {
    for (int k = 0; k < 16; ++k) partial[k] += a[i + k] * widen_one(w[i + k]);
  }
  float s = 0;
  for (float v : partial) s += v;
  for (; i < n; ++i) s += a[i] * widen_one(w[i]);
  return s;
}

}  // namespace

Status validate(const Bf16LinearParams& p) {
  if (p.rows < 0 || p.in <= 0 || p.out <= 0) return make_error(ErrorCode::kInvalidArgument, "bf16_linear: bad shape");
  if (p.rows > 0 && (!p.x || !p.weight || !p.y)) return make_error(ErrorCode::kInvalidArgument, "bf16_linear: null pointer");
  return ok_status();
}

void bf16_linear_reference(const Bf16LinearParams& p) {
  const std::int64_t xs = p.x_stride ? p.x_stride : p.in, ys = p.y_stride ? p.y_stride : p.out;
  for (std::int64_t m = 0; m < p.rows; ++m) {
    for (std::int64_t n = 0; n < p.out; ++n) {
      double acc = 0;
      for (std::int64_t k = 0; k < p.in; ++k) acc += static_cast<double>(p.x[m * xs + k]) * quant::bf16_to_float(p.weight[n * p.in + k]);
      p.y[m * ys + n] = p.round_output ? bf16(static_cast<float>(acc)) : static_cast<float>(acc);
    }
  }
}

void bf16_linear_cpu(const Bf16LinearParams& p) {
  const std::int64_t xs = p.x_stride ? p.x_stride : p.in, ys = p.y_stride ? p.y_stride : p.out;
  ThreadPool::global().parallel_for(p.out, [&](std::int64_t begin, std::int64_t end) {
    if (p.rows <= 2) {
      for (std::int64_t n = begin; n < end; ++n) {
        for (std::int64_t m = 0; m < p.rows; ++m) {
          const float acc = dot_bf16(p.x + m * xs, p.weight + n * p.in, p.in);
          p.y[m * ys + n] = p.round_output ? bf16(acc) : acc;
        }
      }
      return;
    }
    thread_local std::vector<float> w;
    w.resize(static_cast<std::size_t>(p.in));
    for (std::int64_t n = begin; n < end; ++n) {
      widen(p.weight + n * p.in, w.data(), p.in);
      for (std::int64_t m = 0; m < p.rows; ++m) {
        const float acc = cpu::dot_f32(p.x + m * xs, w.data(), p.in);
        p.y[m * ys + n] = p.round_output ? bf16(acc) : acc;
      }
    }
  });
}

}  // namespace seek::engine
