// A FlashMLA/llm.c-style numeric comparator for op tests: inf/NaN positions must agree,
// every element must pass |got - want| <= atol + rtol * |want|, and a failure report names
// the worst element, its position, the cosine difference and the first few values.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>

namespace seek::testing {

struct CompareResult {
  bool ok = true;
  size_t worst_index = 0;      ///< flat index of the largest abs error
  double max_abs_error = 0.0;
  double max_rel_error = 0.0;  ///< relative to max(|want|, 1e-12)
  double cosine_diff = 0.0;    ///< 1 - cos(want, got) over the whole tensor
  size_t failures = 0;         ///< elements outside tolerance (incl. inf/NaN mismatches)
  std::string report;          ///< "OK ..." or "NOT OK ..." with the details above
};

/// Compares `got` against `want` (the reference). `row_len` only formats the worst position
/// as [row, col]; pass 0 for flat indices.
CompareResult compare_floats(std::span<const float> want, std::span<const float> got, double atol,
                             double rtol, int64_t row_len = 0);

}  // namespace seek::testing
