// The shared fp32 dot product (see dot.h); vectorized per ISA, chosen at run time.
#include "engine/cpu/dot.h"

namespace seek::engine::cpu {

__attribute__((target_clones("avx512f", "avx2", "default"))) float dot_f32(const float* a, const float* b, std::int64_t n) {
  float partial[16] = {};
  std::int64_t i = 0;
  for (; i + 16 <= n; i += 16) {
    for (int k = 0; k < 16; ++k) partial[k] += a[i + k] * b[i + k];
  }
  float s = 0;
  for (float v : partial) s += v;
  for (; i < n; ++i) s += a[i] * b[i];
  return s;
}

}  // namespace seek::engine::cpu
