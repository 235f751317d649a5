// Implementation of the op-test comparator (see compare.h).
#include "tests/support/compare.h"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

namespace seek::testing {

CompareResult compare_floats(std::span<const float> want, std::span<const float> got, double atol,
                             double rtol, int64_t row_len) {
  CompareResult r;
  if (want.size() != got.size()) {
    r.ok = false;
    r.report = fmt::format("NOT OK: size mismatch, want {} elements, got {}", want.size(), got.size());
    return r;
  }
  double dot = 0.0, norm_w = 0.0, norm_g = 0.0;
  for (size_t i = 0; i < want.size(); ++i) {
    const double w = want[i];
    const double g = got[i];
    const bool w_finite = std::isfinite(w), g_finite = std::isfinite(g);
    if (!w_finite || !g_finite) {
      // Non-finite values must match exactly in kind (same inf sign, or both NaN).
      const bool same = (std::isnan(w) && std::isnan(g)) || (w == g);
      if (!same) {
        ++r.failures;
        if (!std::isinf(r.max_abs_error)) {  // the first mismatch is the one reported
          r.worst_index = i;
          r.max_abs_error = INFINITY;
        }
      }
      continue;
    }
    const double abs_err = std::fabs(g - w);
    const double rel_err = abs_err / std::max(std::fabs(w), 1e-12);
    if (abs_err > atol + rtol * std::fabs(w)) ++r.failures;
    if (abs_err > r.max_abs_error) {
      r.max_abs_error = abs_err;
      r.worst_index = i;
    }
    r.max_rel_error = std::max(r.max_rel_error, rel_err);
    dot += w * g;
    norm_w += w * w;
    norm_g += g * g;
  }
  r.cosine_diff = (norm_w == 0.0 && norm_g == 0.0) ? 0.0 : 1.0 - dot / std::sqrt(norm_w * norm_g + 1e-300);
  r.ok = r.failures == 0;

  std::string where = row_len > 0 ? fmt::format("[{}, {}]", r.worst_index / row_len, r.worst_index % row_len)
                                  : fmt::format("[{}]", r.worst_index);
  std::string head;
  for (size_t i = 0; i < std::min<size_t>(want.size(), 4); ++i) {
    head += fmt::format(" {:.6g}/{:.6g}", want[i], got[i]);
  }
  r.report = fmt::format(
      "{}: {} elements, {} outside atol={:g} rtol={:g}; max abs err {:.3g} at {} (want {:.8g}, got {:.8g}); "
      "max rel err {:.3g}; cos diff {:.3g}; first want/got:{}",
      r.ok ? "OK" : "NOT OK", want.size(), r.failures, atol, rtol, r.max_abs_error, where,
      want.empty() ? 0.0f : want[r.worst_index], got.empty() ? 0.0f : got[r.worst_index], r.max_rel_error,
      r.cosine_diff, head);
  return r;
}

}  // namespace seek::testing
