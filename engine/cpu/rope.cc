// Rotary embeddings on the CPU (see ops/rope.h).
#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "engine/checkpoint/quant.h"
#include "engine/ops/rope.h"

namespace seek::engine {
namespace {

float maybe_bf16(float v, bool round) { return round ? quant::bf16_to_float(quant::float_to_bf16(v)) : v; }

// cos/sin are FP32 values (torch.polar on an FP32 angle) taken from the correctly rounded
// double result; the complex product is formed exactly and rounded once, then to BF16.
void apply(const RopeParams& p) {
  for (std::int64_t r = 0; r < p.rows; ++r) {
    const auto pos = static_cast<float>(p.positions[r]);
    for (std::int64_t h = 0; h < p.heads; ++h) {
      float* v = p.x + (r * p.heads + h) * p.row_stride + p.offset;  // [rope_dim]
      for (std::int64_t i = 0; i < p.rope_dim / 2; ++i) {
        // torch.outer(t, freqs) multiplies in FP32: the angle itself is an FP32 value (at
        // position 65535 it is off by ~4e-3 rad from the exact product, by definition).
        const double angle = static_cast<double>(pos * p.freqs[i]);
        const double c = static_cast<float>(std::cos(angle));
        const double sine = static_cast<float>(std::sin(angle));
        const double s = p.inverse ? -sine : sine;
        const double a = v[2 * i], b = v[2 * i + 1];
        v[2 * i] = maybe_bf16(static_cast<float>(a * c - b * s), p.round_bf16);
        v[2 * i + 1] = maybe_bf16(static_cast<float>(a * s + b * c), p.round_bf16);
      }
    }
  }
}

}  // namespace

std::vector<float> rope_frequencies(const RopeConfig& c) {
  const std::int64_t half = c.rope_dim / 2;
  std::vector<float> freqs(static_cast<std::size_t>(half));
  for (std::int64_t i = 0; i < half; ++i) {
    const float exponent = static_cast<float>(2 * i) / static_cast<float>(c.rope_dim);
    // base ** exponent on FP32 tensors, correctly rounded.
    const auto power = static_cast<float>(std::pow(static_cast<double>(static_cast<float>(c.base)), static_cast<double>(exponent)));
    freqs[static_cast<std::size_t>(i)] = 1.0f / power;
  }
  if (c.original_seq_len > 0) {
    const auto correction_dim = [&](double rotations) {
      return static_cast<double>(c.rope_dim) * std::log(static_cast<double>(c.original_seq_len) / (rotations * 2 * M_PI)) /
             (2 * std::log(c.base));
    };
    const double low = std::max(std::floor(correction_dim(c.beta_fast)), 0.0);
    double high = std::min(std::ceil(correction_dim(c.beta_slow)), static_cast<double>(c.rope_dim - 1));
    if (low == high) high += 0.001;
    for (std::int64_t i = 0; i < half; ++i) {
      const float ramp = std::clamp((static_cast<float>(i) - static_cast<float>(low)) / static_cast<float>(high - low), 0.0f, 1.0f);
      const float smooth = 1.0f - ramp;
      float& f = freqs[static_cast<std::size_t>(i)];
      f = f / static_cast<float>(c.factor) * (1.0f - smooth) + f * smooth;
    }
  }
  return freqs;
}

Status validate(const RopeParams& p) {
  if (p.rows < 0 || p.heads <= 0 || p.rope_dim <= 0 || p.rope_dim % 2 != 0 || p.offset < 0 ||
      p.offset + p.rope_dim > p.row_stride) {
    return make_error(ErrorCode::kInvalidArgument,
                      fmt::format("rope: bad shape (rope_dim {}, offset {}, row_stride {})", p.rope_dim, p.offset, p.row_stride));
  }
  if (p.rows > 0 && (!p.x || !p.positions || !p.freqs)) return make_error(ErrorCode::kInvalidArgument, "rope: null pointer");
  return ok_status();
}

void rope_reference(const RopeParams& p) { apply(p); }
void rope_cpu(const RopeParams& p) { apply(p); }

}  // namespace seek::engine
