// The tensors a config implies, in the official checkpoint layout (names, dtypes, shapes),
// derived from the official model.py's modules (spec §5.1, corrected where the code differs:
// a compressor on every layer with ratio != 0, overlap and the indexer only for ratio 4,
// tid2eid on layer_id < num_hash_layers instead of a bias, MTP blocks as layers n_layers+m
// sharing embed and head). validate_checkpoint() checks a Checkpoint against it.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "base/result.h"
#include "engine/checkpoint/config.h"
#include "engine/checkpoint/safetensors.h"

namespace seek::engine {

struct ExpectedTensor {
  std::string name;
  DType dtype;
  std::vector<std::int64_t> shape;
};

/// Every tensor of the checkpoint, in a stable order (top level, layers, MTP blocks).
std::vector<ExpectedTensor> expected_tensors(const ModelConfig& config);

/// Checks that each expected tensor exists with its dtype and shape. The error names the
/// tensor, what was expected and what the file holds. (wo_a may also be stored as BF16
/// without a scale, as the official converter writes it.)
Status validate_checkpoint(const Checkpoint& checkpoint, const ModelConfig& config);

/// Prefix of block `index` (main layers, then MTP blocks): "layers.L" or "mtp.m".
std::string block_prefix(const ModelConfig& config, std::int64_t index);

}  // namespace seek::engine
