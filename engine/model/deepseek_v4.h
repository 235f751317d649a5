// The DeepSeek V4 model: loads a checkpoint in the official layout and runs the forward
// pass over chunks of tokens, carrying a ModelState (window rings, compressor state) from
// call to call: one chunk from 0 is the official prefill, one token per call the official
// decode, anything between a chunked prefill.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "base/result.h"
#include "engine/model/block_weights.h"
#include "engine/kv/kv_state.h"
#include "engine/checkpoint/weights.h"
#include "base/function_ref.h"

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
  using LogitsSink = FunctionRef<Status(const float* rows, std::int64_t n)>;
  /// With `final_streams`, also hands back the streams after the last block ([n, hc_mult,
  /// hidden]), the MTP block's input.
  Status forward_rows(const std::vector<std::int32_t>& tokens, ModelState& state, const std::string& dump_dir,
                      LogitsSink emit, std::vector<float>* final_streams = nullptr);

  /// MTP block `m` (model.py MTPBlock): from the main model's final streams at positions
  /// start.. ([n, hc_mult, hidden]) and the token that follows each of those positions,
  /// logits [n, vocab] for the token after that. It carries its own attention state in
  /// `state` (the same ModelState as the main model's; MTP calls advance no position).
  Status mtp_rows(const std::vector<float>& h_main, const std::vector<std::int32_t>& next_tokens, std::int64_t start,
                  ModelState& state, std::int64_t m, LogitsSink emit);

  /// forward() over the whole prompt from a new state: the official prefill.
  Result<std::vector<float>> prefill_logits(const std::vector<std::int32_t>& tokens, const std::string& dump_dir = {});

  const ModelConfig& config() const { return weights_->config(); }
  const ModelWeights& weights() const { return *weights_; }

 private:
  Status check_tokens(const std::vector<std::int32_t>& tokens) const;
  Status run_block(std::int64_t layer, float* h, const std::int32_t* tokens, std::int64_t S, std::int64_t start,
                   ModelState& state, const std::string& dump_dir);
  Status run_head(const float* h, std::int64_t S, const float* fn, const float* scale, const float* base, const float* norm,
                  ScratchArena& ws, LogitsSink emit);

  std::unique_ptr<ModelWeights> weights_;
  std::vector<BlockWeights> blocks_;  ///< main layers, then MTP blocks; resolved at load
  const std::uint16_t* embed_ = nullptr;
  const std::uint16_t* head_ = nullptr;
  const float* hc_head_fn_ = nullptr;
  const float* hc_head_scale_ = nullptr;
  const float* hc_head_base_ = nullptr;
  const float* final_norm_ = nullptr;
};

}  // namespace seek::engine
