// The fp32 dot product the CPU ops share where their results must match bit for bit
// across call sites: 16 running partial sums (one vector register's worth), added in
// order at the end, then the tail. Every caller gets the same summation order on every ISA.
#pragma once

#include <cstdint>

namespace seek::engine::cpu {

/// a [n] . b [n]
float dot_f32(const float* a, const float* b, std::int64_t n);

}  // namespace seek::engine::cpu
