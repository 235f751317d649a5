// The DeepSeek V4 model: loads a checkpoint in the official layout and runs the forward
// pass over chunks of tokens, carrying a ModelState (window rings, compressor state) from
// call to call: one chunk from 0 is the official prefill, one token per call the official
// decode, anything between a chunked prefill.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "base/result.h"
#include "engine/model/kv_state.h"
#include "engine/model/weights.h"

namespace seek::engine {

class DeepseekV4 {
 public:
  static Result<std::unique_ptr<DeepseekV4>> load(const std::string& dir);

  /// A state for a new sequence (position 0).
  ModelState new_state() const;

  /// Runs `tokens` at positions state.position.. and advances the state. Returns logits
  /// [tokens, vocab] (row t = after token t). With `dump_dir`, also writes per block the mHC
  /// streams h_after_layer{L}.f32 ([tokens, hc_mult, hidden]) and h_mid_layer{L}, and each
  /// sublayer's input and output ({attn,ffn}_{in,out}_layer{L}.f32, [tokens, hidden]);
  /// calls after the first append their rows, so any mode yields whole-sequence files.
  Result<std::vector<float>> forward(const std::vector<std::int32_t>& tokens, ModelState& state,
                                     const std::string& dump_dir = {});

  /// forward() handing the logits to `emit` a block of rows at a time ([n, vocab], in
  /// order), so a long prompt never holds all its logits; an error from `emit` stops it.
  using LogitsSink = std::function<Status(const float* rows, std::int64_t n)>;
  Status forward_rows(const std::vector<std::int32_t>& tokens, ModelState& state, const std::string& dump_dir,
                      const LogitsSink& emit);

  /// forward() over the whole prompt from a new state: the official prefill.
  Result<std::vector<float>> prefill_logits(const std::vector<std::int32_t>& tokens, const std::string& dump_dir = {});

  const ModelConfig& config() const { return weights_->config(); }
  const ModelWeights& weights() const { return *weights_; }

 private:
  std::unique_ptr<ModelWeights> weights_;
};

}  // namespace seek::engine
