// mHC on the CPU (see ops/mhc.h): a double-precision reference and an FP32 optimized path
// (8-lane partial sums, compiled per ISA with target_clones and picked at load time).
#include <fmt/format.h>

#include <cmath>
#include <vector>

#include "engine/checkpoint/quant.h"
#include "engine/cpu/dot.h"
#include "engine/ops/mhc.h"
#include "engine/cpu/thread_pool.h"

namespace seek::engine {
namespace {

float to_bf16(float v) { return quant::bf16_to_float(quant::float_to_bf16(v)); }

template <class T>
T sigmoid(T v) {
  return T(1) / (T(1) + std::exp(-v));
}

// The Sinkhorn split in type T (double for the reference, float for the fast path), in the
// kernel's order.
template <class T>
void split_sinkhorn(const T* mixes, const float* scale, const float* base, std::int64_t hc, int iters, T eps, T* pre,
                    T* post, T* comb) {
  for (std::int64_t j = 0; j < hc; ++j) {
    pre[j] = sigmoid(mixes[j] * T(scale[0]) + T(base[j])) + eps;
    post[j] = T(2) * sigmoid(mixes[j + hc] * T(scale[1]) + T(base[j + hc]));
  }
  for (std::int64_t j = 0; j < hc; ++j) {
    for (std::int64_t k = 0; k < hc; ++k) comb[j * hc + k] = mixes[j * hc + k + 2 * hc] * T(scale[2]) + T(base[j * hc + k + 2 * hc]);
  }
  const auto normalize_rows = [&](bool softmax) {
    for (std::int64_t j = 0; j < hc; ++j) {
      T* row = comb + j * hc;
      if (softmax) {
        T m = row[0];
        for (std::int64_t k = 1; k < hc; ++k) m = std::max(m, row[k]);
        for (std::int64_t k = 0; k < hc; ++k) row[k] = std::exp(row[k] - m);
      }
      T sum = 0;
      for (std::int64_t k = 0; k < hc; ++k) sum += row[k];
      for (std::int64_t k = 0; k < hc; ++k) row[k] = softmax ? row[k] / sum + eps : row[k] / (sum + eps);
    }
  };
  const auto normalize_columns = [&] {
    for (std::int64_t k = 0; k < hc; ++k) {
      T sum = 0;
      for (std::int64_t j = 0; j < hc; ++j) sum += comb[j * hc + k];
      for (std::int64_t j = 0; j < hc; ++j) comb[j * hc + k] /= sum + eps;
    }
  };
  normalize_rows(true);
  normalize_columns();
  for (int it = 0; it < iters - 1; ++it) {
    normalize_rows(false);
    normalize_columns();
  }
}


__attribute__((target_clones("avx512f", "avx2", "default"))) float sum_squares_f32(const float* a, std::int64_t n) {
  return cpu::dot_f32(a, a, n);
}

// y += alpha * x
__attribute__((target_clones("avx512f", "avx2", "default"))) void axpy_f32(float alpha, const float* x, float* y, std::int64_t n) {
  for (std::int64_t i = 0; i < n; ++i) y[i] += alpha * x[i];
}

Status check(bool ok, const char* op, const std::string& what) {
  if (ok) return ok_status();
  return make_error(ErrorCode::kInvalidArgument, fmt::format("{}: {}", op, what));
}

}  // namespace

Status validate(const MhcPreParams& p) {
  SEEK_RETURN_IF_ERROR(check(p.tokens >= 0 && p.hc > 0 && p.dim > 0, "mhc_pre", "bad shape"));
  SEEK_RETURN_IF_ERROR(check(p.sinkhorn_iters >= 1, "mhc_pre", "sinkhorn_iters must be >= 1"));
  return check(p.tokens == 0 || (p.x && p.fn && p.scale && p.base && p.y && p.post && p.comb), "mhc_pre", "null pointer");
}
Status validate(const MhcPostParams& p) {
  SEEK_RETURN_IF_ERROR(check(p.tokens >= 0 && p.hc > 0 && p.dim > 0, "mhc_post", "bad shape"));
  return check(p.tokens == 0 || (p.f && p.residual && p.post && p.comb && p.y), "mhc_post", "null pointer");
}
Status validate(const MhcHeadParams& p) {
  SEEK_RETURN_IF_ERROR(check(p.tokens >= 0 && p.hc > 0 && p.dim > 0, "mhc_head", "bad shape"));
  return check(p.tokens == 0 || (p.x && p.fn && p.scale && p.base && p.y), "mhc_head", "null pointer");
}

void hc_split_sinkhorn_reference(const float* mixes, const float* scale, const float* base, std::int64_t hc, int iters,
                                 float eps, float* pre, float* post, float* comb) {
  const std::int64_t mix = (2 + hc) * hc;
  std::vector<double> m(mixes, mixes + mix), pr(hc), po(hc), co(hc * hc);
  split_sinkhorn<double>(m.data(), scale, base, hc, iters, eps, pr.data(), po.data(), co.data());
  for (std::int64_t j = 0; j < hc; ++j) {
    pre[j] = static_cast<float>(pr[j]);
    post[j] = static_cast<float>(po[j]);
  }
  for (std::int64_t j = 0; j < hc * hc; ++j) comb[j] = static_cast<float>(co[j]);
}

void mhc_pre_reference(const MhcPreParams& p) {
  const std::int64_t mix = (2 + p.hc) * p.hc, width = p.hc * p.dim;
  std::vector<double> mixes(mix), pre(p.hc), post(p.hc), comb(p.hc * p.hc);
  for (std::int64_t t = 0; t < p.tokens; ++t) {
    const float* x = p.x + t * width;  // [hc, dim]
    double sum_sq = 0;
    for (std::int64_t i = 0; i < width; ++i) sum_sq += static_cast<double>(x[i]) * x[i];
    const double rsqrt = 1.0 / std::sqrt(sum_sq / static_cast<double>(width) + p.norm_eps);
    for (std::int64_t r = 0; r < mix; ++r) {
      double acc = 0;
      for (std::int64_t i = 0; i < width; ++i) acc += static_cast<double>(x[i]) * p.fn[r * width + i];
      mixes[r] = acc * rsqrt;
    }
    split_sinkhorn<double>(mixes.data(), p.scale, p.base, p.hc, p.sinkhorn_iters, p.hc_eps, pre.data(), post.data(),
                           comb.data());
    for (std::int64_t d = 0; d < p.dim; ++d) {
      double acc = 0;
      for (std::int64_t h = 0; h < p.hc; ++h) acc += pre[h] * x[h * p.dim + d];
      p.y[t * p.dim + d] = to_bf16(static_cast<float>(acc));
    }
    for (std::int64_t h = 0; h < p.hc; ++h) p.post[t * p.hc + h] = static_cast<float>(post[h]);
    for (std::int64_t j = 0; j < p.hc * p.hc; ++j) p.comb[t * p.hc * p.hc + j] = static_cast<float>(comb[j]);
  }
}

void mhc_pre_cpu(const MhcPreParams& p) {
  const std::int64_t mix = (2 + p.hc) * p.hc, width = p.hc * p.dim;
  ThreadPool::global().parallel_for(p.tokens, [&](std::int64_t begin, std::int64_t end) {
    thread_local std::vector<float> mixes, pre, acc;  // reused across calls
    mixes.resize(mix);
    pre.resize(p.hc);
    acc.resize(p.dim);
    for (std::int64_t t = begin; t < end; ++t) {
      const float* x = p.x + t * width;
      const float rsqrt = 1.0f / std::sqrt(sum_squares_f32(x, width) / static_cast<float>(width) + p.norm_eps);
      for (std::int64_t r = 0; r < mix; ++r) mixes[r] = cpu::dot_f32(x, p.fn + r * width, width) * rsqrt;
      split_sinkhorn<float>(mixes.data(), p.scale, p.base, p.hc, p.sinkhorn_iters, p.hc_eps, pre.data(),
                            p.post + t * p.hc, p.comb + t * p.hc * p.hc);
      std::fill(acc.begin(), acc.end(), 0.0f);
      for (std::int64_t h = 0; h < p.hc; ++h) axpy_f32(pre[h], x + h * p.dim, acc.data(), p.dim);
      for (std::int64_t d = 0; d < p.dim; ++d) p.y[t * p.dim + d] = to_bf16(acc[d]);
    }
  });
}

void mhc_post_reference(const MhcPostParams& p) {
  for (std::int64_t t = 0; t < p.tokens; ++t) {
    for (std::int64_t k = 0; k < p.hc; ++k) {
      for (std::int64_t d = 0; d < p.dim; ++d) {
        double acc = static_cast<double>(p.post[t * p.hc + k]) * p.f[t * p.dim + d];
        for (std::int64_t j = 0; j < p.hc; ++j) {
          acc += static_cast<double>(p.comb[(t * p.hc + j) * p.hc + k]) * p.residual[(t * p.hc + j) * p.dim + d];
        }
        p.y[(t * p.hc + k) * p.dim + d] = to_bf16(static_cast<float>(acc));
      }
    }
  }
}

void mhc_post_cpu(const MhcPostParams& p) {
  ThreadPool::global().parallel_for(p.tokens, [&](std::int64_t begin, std::int64_t end) {
    thread_local std::vector<float> acc;
    acc.resize(p.dim);
    for (std::int64_t t = begin; t < end; ++t) {
      for (std::int64_t k = 0; k < p.hc; ++k) {
        // The official order: the comb mix summed stream by stream, then post * f added last.
        std::fill(acc.begin(), acc.end(), 0.0f);
        for (std::int64_t j = 0; j < p.hc; ++j) {
          axpy_f32(p.comb[(t * p.hc + j) * p.hc + k], p.residual + (t * p.hc + j) * p.dim, acc.data(), p.dim);
        }
        axpy_f32(p.post[t * p.hc + k], p.f + t * p.dim, acc.data(), p.dim);
        float* y = p.y + (t * p.hc + k) * p.dim;
        for (std::int64_t d = 0; d < p.dim; ++d) y[d] = to_bf16(acc[d]);
      }
    }
  });
}

void mhc_head_reference(const MhcHeadParams& p) {
  const std::int64_t width = p.hc * p.dim;
  for (std::int64_t t = 0; t < p.tokens; ++t) {
    const float* x = p.x + t * width;
    double sum_sq = 0;
    for (std::int64_t i = 0; i < width; ++i) sum_sq += static_cast<double>(x[i]) * x[i];
    const double rsqrt = 1.0 / std::sqrt(sum_sq / static_cast<double>(width) + p.norm_eps);
    std::vector<double> pre(p.hc);
    for (std::int64_t h = 0; h < p.hc; ++h) {
      double acc = 0;
      for (std::int64_t i = 0; i < width; ++i) acc += static_cast<double>(x[i]) * p.fn[h * width + i];
      pre[h] = sigmoid(acc * rsqrt * p.scale[0] + p.base[h]) + p.hc_eps;
    }
    for (std::int64_t d = 0; d < p.dim; ++d) {
      double acc = 0;
      for (std::int64_t h = 0; h < p.hc; ++h) acc += pre[h] * x[h * p.dim + d];
      p.y[t * p.dim + d] = to_bf16(static_cast<float>(acc));
    }
  }
}

void mhc_head_cpu(const MhcHeadParams& p) {
  const std::int64_t width = p.hc * p.dim;
  ThreadPool::global().parallel_for(p.tokens, [&](std::int64_t begin, std::int64_t end) {
    thread_local std::vector<float> pre, acc;
    pre.resize(p.hc);
    acc.resize(p.dim);
    for (std::int64_t t = begin; t < end; ++t) {
      const float* x = p.x + t * width;
      const float rsqrt = 1.0f / std::sqrt(sum_squares_f32(x, width) / static_cast<float>(width) + p.norm_eps);
      for (std::int64_t h = 0; h < p.hc; ++h) {
        pre[h] = sigmoid(cpu::dot_f32(x, p.fn + h * width, width) * rsqrt * p.scale[0] + p.base[h]) + p.hc_eps;
      }
      std::fill(acc.begin(), acc.end(), 0.0f);
      for (std::int64_t h = 0; h < p.hc; ++h) axpy_f32(pre[h], x + h * p.dim, acc.data(), p.dim);
      for (std::int64_t d = 0; d < p.dim; ++d) p.y[t * p.dim + d] = to_bf16(acc[d]);
    }
  });
}

}  // namespace seek::engine
