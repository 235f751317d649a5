// Random checkpoints in exactly the official layout, for tests and benchmarks: config.json
// with the official keys, the tensors of inventory.h in their stored formats (FP8 with
// 128x128 UE8M0 scales, MXFP4 experts, BF16/F32 where the release has them, I64 tid2eid),
// split into shards with model.safetensors.index.json, plus the V4 tokenizer files.
// Weights are scaled so activations stay in a sane range and routing is not degenerate:
// linears ~ N(0, 1/in), norms at 1, small mHC mixes. Deterministic in the seed; each
// tensor's values depend only on (seed, tensor name), not on the order of writing.
#pragma once

#include <cstdint>
#include <string>

#include "base/result.h"
#include "engine/checkpoint/config.h"

namespace seek::engine {

struct RandomCheckpointOptions {
  std::uint64_t seed = 0;
  int shards = 2;
  std::string tokenizer_dir;  ///< holds tokenizer.json (+ tokenizer_config.json); empty: none
};

/// Writes the checkpoint into `out_dir` (created if needed; must not already hold one).
Status write_random_checkpoint(const ModelConfig& config, const std::string& out_dir,
                               const RandomCheckpointOptions& options);

}  // namespace seek::engine
