// In-place quantization round trips that are part of V4's numerics (the QAT simulation in
// model.py) and the Hadamard rotation in front of the indexer's FP4 round trip:
//  - fp8_round_trip: act_quant(x, block, ue8m0, inplace=True): per `block` values, scale =
//    2^ceil(log2(max(amax, 1e-4) / 448)), x = e4m3(clamp(x / s)) * s, rounded to BF16;
//  - fp4_round_trip: fp4_act_quant(x, 32, inplace=True): per 32 values, scale =
//    2^ceil(log2(max(amax, 6 * 2^-126) / 6)), x = e2m1(clamp(x / s, ±6)) * s, to BF16;
//  - hadamard: fast_hadamard_transform(x, scale = n^-1/2) on rows of a power-of-two length
//    (Sylvester order), rounded to BF16.
#pragma once

#include <cstdint>

#include "base/result.h"

namespace seek::engine {

/// x: [rows, cols] with cols a multiple of `block` (a row stride of `stride` >= cols).
Status fp8_round_trip(float* x, std::int64_t rows, std::int64_t cols, std::int64_t stride, std::int64_t block);
Status fp4_round_trip(float* x, std::int64_t rows, std::int64_t cols, std::int64_t stride);
/// Rows of length n (a power of two), in place. The reference sums in double.
Status hadamard_reference(float* x, std::int64_t rows, std::int64_t n);
Status hadamard_cpu(float* x, std::int64_t rows, std::int64_t n);

}  // namespace seek::engine
