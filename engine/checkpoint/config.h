// The model configuration, read from a checkpoint's HF `config.json` (spec §2.1). Every
// value may differ from V4-Flash's: sizes, layer count, the compress-ratio schedule in any
// order, hash layers, indexer and MoE shapes. A missing or invalid required key is an error
// that names it; unknown keys are ignored.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "base/result.h"

namespace seek::engine {

struct ModelConfig {
  std::int64_t vocab_size = 0;
  std::int64_t dim = 0;                 // hidden_size
  std::int64_t n_layers = 0;            // num_hidden_layers
  std::int64_t n_heads = 0;             // num_attention_heads
  std::int64_t head_dim = 0;
  std::int64_t rope_head_dim = 0;       // qk_rope_head_dim
  std::int64_t q_lora_rank = 0;
  std::int64_t o_groups = 0;
  std::int64_t o_lora_rank = 0;
  std::int64_t window_size = 0;         // sliding_window
  std::vector<std::int64_t> compress_ratios;  // n_layers + n_mtp_layers entries
  double compress_rope_theta = 0;
  double rope_theta = 0;
  double rope_factor = 1;               // rope_scaling.factor
  std::int64_t original_seq_len = 0;    // rope_scaling.original_max_position_embeddings
  double beta_fast = 32, beta_slow = 1;
  std::int64_t index_n_heads = 0;
  std::int64_t index_head_dim = 0;
  std::int64_t index_topk = 0;
  std::int64_t n_routed_experts = 0;
  std::int64_t n_shared_experts = 0;
  std::int64_t n_activated_experts = 0;  // num_experts_per_tok
  std::int64_t moe_inter_dim = 0;        // moe_intermediate_size
  std::int64_t n_hash_layers = 0;        // num_hash_layers
  std::string score_func;                // scoring_func
  double route_scale = 1;                // routed_scaling_factor
  double swiglu_limit = 0;
  double norm_eps = 1e-6;                // rms_norm_eps
  std::int64_t hc_mult = 0;
  std::int64_t hc_sinkhorn_iters = 0;
  double hc_eps = 1e-6;
  std::int64_t n_mtp_layers = 1;         // num_nextn_predict_layers
  bool experts_fp4 = false;              // expert_dtype == "fp4" (else FP8 like other linears)
  std::int64_t max_position_embeddings = 0;

  /// Compress ratio of main layer `layer` or MTP block `n_layers + i`.
  std::int64_t ratio(std::int64_t layer) const { return compress_ratios.at(static_cast<std::size_t>(layer)); }
};

/// Parses and validates config.json text; `source` names the file in errors.
Result<ModelConfig> parse_model_config(std::string_view json_text, const std::string& source);
/// Reads DIR/config.json.
Result<ModelConfig> load_model_config(const std::string& dir);

}  // namespace seek::engine
