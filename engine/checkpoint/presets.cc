// Presets and config.json writing (see presets.h).
#include "engine/checkpoint/presets.h"

#include <nlohmann/json.hpp>

namespace seek::engine {

Result<ModelConfig> preset_config(const std::string& name) {
  ModelConfig c;
  c.vocab_size = 129280;
  c.head_dim = 512;
  c.rope_head_dim = 64;
  c.window_size = 128;
  c.compress_rope_theta = 160000;
  c.rope_theta = 10000;
  c.rope_factor = 16;
  c.original_seq_len = 65536;
  c.beta_fast = 32;
  c.beta_slow = 1;
  c.index_head_dim = 128;
  c.n_shared_experts = 1;
  c.score_func = "sqrtsoftplus";
  c.route_scale = 1.5;
  c.swiglu_limit = 10.0;
  c.norm_eps = 1e-6;
  c.hc_mult = 4;
  c.hc_sinkhorn_iters = 20;
  c.hc_eps = 1e-6;
  c.n_mtp_layers = 1;
  c.experts_fp4 = true;
  c.max_position_embeddings = 1048576;
  if (name == "tiny") {
    c.dim = 128;
    c.n_layers = 4;
    c.compress_ratios = {0, 4, 128, 4, 0};
    c.n_heads = 2;
    c.q_lora_rank = 128;
    c.o_groups = 2;
    c.o_lora_rank = 64;
    c.index_n_heads = 2;
    c.index_topk = 16;
    c.n_routed_experts = 8;
    c.n_activated_experts = 2;
    c.moe_inter_dim = 128;  // activations are quantized in blocks of 128
    c.n_hash_layers = 1;
  } else if (name == "small") {
    c.dim = 1024;
    c.n_layers = 8;
    c.compress_ratios = {0, 0, 4, 128, 4, 128, 4, 128, 0};
    c.n_heads = 16;
    c.q_lora_rank = 256;
    c.o_groups = 4;
    c.o_lora_rank = 256;
    c.index_n_heads = 16;
    c.index_topk = 128;
    c.n_routed_experts = 64;
    c.n_activated_experts = 6;
    c.moe_inter_dim = 512;
    c.n_hash_layers = 3;
  } else {
    return make_error(ErrorCode::kInvalidArgument, "unknown preset '" + name + "' (expected tiny or small)");
  }
  return c;
}

std::string config_json(const ModelConfig& c) {
  nlohmann::ordered_json j;
  j["architectures"] = {"DeepseekV4ForCausalLM"};
  j["model_type"] = "deepseek_v4";
  j["attention_bias"] = false;
  j["attention_dropout"] = 0.0;
  j["bos_token_id"] = 0;
  j["eos_token_id"] = 1;
  if (c.experts_fp4) j["expert_dtype"] = "fp4";
  j["hc_eps"] = c.hc_eps;
  j["hc_mult"] = c.hc_mult;
  j["hc_sinkhorn_iters"] = c.hc_sinkhorn_iters;
  j["head_dim"] = c.head_dim;
  j["hidden_act"] = "silu";
  j["hidden_size"] = c.dim;
  j["index_head_dim"] = c.index_head_dim;
  j["index_n_heads"] = c.index_n_heads;
  j["index_topk"] = c.index_topk;
  j["initializer_range"] = 0.02;
  j["max_position_embeddings"] = c.max_position_embeddings;
  j["moe_intermediate_size"] = c.moe_inter_dim;
  j["n_routed_experts"] = c.n_routed_experts;
  j["n_shared_experts"] = c.n_shared_experts;
  j["norm_topk_prob"] = true;
  j["num_attention_heads"] = c.n_heads;
  j["num_experts_per_tok"] = c.n_activated_experts;
  j["num_hidden_layers"] = c.n_layers;
  j["num_hash_layers"] = c.n_hash_layers;
  j["num_key_value_heads"] = 1;
  j["num_nextn_predict_layers"] = c.n_mtp_layers;
  j["o_groups"] = c.o_groups;
  j["o_lora_rank"] = c.o_lora_rank;
  j["q_lora_rank"] = c.q_lora_rank;
  j["qk_rope_head_dim"] = c.rope_head_dim;
  j["quantization_config"] = {{"activation_scheme", "dynamic"}, {"fmt", "e4m3"}, {"quant_method", "fp8"},
                              {"scale_fmt", "ue8m0"}, {"weight_block_size", {128, 128}}};
  j["rms_norm_eps"] = c.norm_eps;
  j["rope_scaling"] = {{"beta_fast", c.beta_fast}, {"beta_slow", c.beta_slow}, {"factor", c.rope_factor},
                       {"original_max_position_embeddings", c.original_seq_len}, {"type", "yarn"}};
  j["rope_theta"] = c.rope_theta;
  j["routed_scaling_factor"] = c.route_scale;
  j["scoring_func"] = c.score_func;
  j["sliding_window"] = c.window_size;
  j["swiglu_limit"] = c.swiglu_limit;
  j["tie_word_embeddings"] = false;
  j["topk_method"] = "noaux_tc";
  j["torch_dtype"] = "bfloat16";
  j["use_cache"] = true;
  j["vocab_size"] = c.vocab_size;
  j["compress_rope_theta"] = c.compress_rope_theta;
  j["compress_ratios"] = c.compress_ratios;
  return j.dump(2) + "\n";
}

}  // namespace seek::engine
