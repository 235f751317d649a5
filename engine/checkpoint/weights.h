// Typed, validated access to a loaded checkpoint's tensors for the forward pass: BF16 and
// F32 tensors as pointers into the mapped shards, FP8/FP4 linears as (weight, scale) pairs,
// and the few small tensors the model keeps converted (norm gains as FP32; wo_a dequantized
// to BF16 as the official converter does). Nothing large is copied to FP32.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "base/result.h"
#include "engine/checkpoint/config.h"
#include "engine/checkpoint/safetensors.h"
#include "engine/ops/quant_linear.h"

namespace seek::engine {

struct QuantLinearWeight {
  const std::uint8_t* weight = nullptr;
  const std::uint8_t* scale = nullptr;
  WeightFormat format = WeightFormat::kFp8Block128;
  std::int64_t in = 0, out = 0;
};

class ModelWeights {
 public:
  static Result<std::unique_ptr<ModelWeights>> load(const std::string& dir);

  const ModelConfig& config() const { return config_; }
  const Checkpoint& checkpoint() const { return checkpoint_; }

  const std::uint16_t* bf16(const std::string& name) const;  ///< validated at load
  const float* f32(const std::string& name) const;
  const std::int64_t* i64(const std::string& name) const;
  QuantLinearWeight linear(const std::string& prefix) const;  ///< FP8 or MXFP4 by dtype
  /// A norm gain (BF16 in the checkpoint) widened to FP32, cached.
  const std::vector<float>& norm(const std::string& name);
  /// A BF16 matrix widened to FP32 once (small ones only: the MoE gate).
  const std::vector<float>& widened(const std::string& name);
  /// wo_a of a layer as BF16 [G*R, H*C/G]: dequantized from FP8 once (or stored BF16).
  const std::vector<std::uint16_t>& wo_a_bf16(const std::string& prefix);

 private:
  ModelConfig config_;
  Checkpoint checkpoint_;
  std::map<std::string, std::vector<float>> floats_;
  std::map<std::string, std::vector<std::uint16_t>> halves_;
};

}  // namespace seek::engine
