// The DeepSeek V4 model: loads a checkpoint in the official layout and runs the forward
// pass. This first version does prefill from position 0 (the whole prompt at once, as the
// official prefill does) and returns the logits of every position; decode and chunked
// prefill, which carry the SWA ring and compressor state, come next.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "base/result.h"
#include "engine/model/weights.h"

namespace seek::engine {

class DeepseekV4 {
 public:
  static Result<std::unique_ptr<DeepseekV4>> load(const std::string& dir);

  /// Logits [tokens, vocab] (row t = after token t). With `dump_dir`, also writes the mHC
  /// streams after each main block as h_after_layer{L}.f32 ([tokens, hc_mult, hidden]).
  Result<std::vector<float>> prefill_logits(const std::vector<std::int32_t>& tokens, const std::string& dump_dir = {});

  const ModelConfig& config() const { return weights_->config(); }

 private:
  std::unique_ptr<ModelWeights> weights_;
};

}  // namespace seek::engine
