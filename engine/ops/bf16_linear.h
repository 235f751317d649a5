// y = x @ W^T with W stored in BF16 (or FP32), summed in FP32: the plain linears of V4
// (compressor wkv/wgate and the MoE gate in FP32, indexer weights_proj, the grouped wo_a
// einsum, the output head). `round_output` rounds y to BF16 where the model holds a BF16
// tensor.
#pragma once

#include <cstdint>

#include "base/result.h"

namespace seek::engine {

struct Bf16LinearParams {
  const float* x = nullptr;              ///< [rows, in] (row stride x_stride)
  const std::uint16_t* weight = nullptr; ///< [out, in] BF16 bits (row stride in)
  float* y = nullptr;                    ///< [rows, out] (row stride y_stride)
  std::int64_t rows = 0, in = 0, out = 0;
  std::int64_t x_stride = 0, y_stride = 0;  ///< 0: in / out
  bool round_output = true;
};

Status validate(const Bf16LinearParams& p);
void bf16_linear_reference(const Bf16LinearParams& p);
void bf16_linear_cpu(const Bf16LinearParams& p);

}  // namespace seek::engine
