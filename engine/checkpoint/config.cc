// config.json parsing and validation (see config.h).
#include "engine/checkpoint/config.h"

#include <fmt/format.h>

#include <cmath>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

namespace seek::engine {
namespace {

using Json = nlohmann::json;

class Reader {
 public:
  Reader(const Json& root, std::string source) : root_(root), source_(std::move(source)) {}

  std::int64_t positive_int(const char* key, const Json* object = nullptr, const char* prefix = "") {
    const Json* value = find(key, object, prefix);
    if (!value) return 0;
    if (!value->is_number_integer() || value->get<std::int64_t>() <= 0) {
      fail(fmt::format("'{}{}' must be a positive integer, got {}", prefix, key, value->dump()));
      return 0;
    }
    return value->get<std::int64_t>();
  }
  std::int64_t non_negative_int(const char* key) {
    const Json* value = find(key, nullptr, "");
    if (!value) return 0;
    if (!value->is_number_integer() || value->get<std::int64_t>() < 0) {
      fail(fmt::format("'{}' must be a non-negative integer, got {}", key, value->dump()));
      return 0;
    }
    return value->get<std::int64_t>();
  }
  double number(const char* key, const Json* object = nullptr, const char* prefix = "", bool positive = true) {
    const Json* value = find(key, object, prefix);
    if (!value) return 0;
    if (!value->is_number() || !std::isfinite(value->get<double>()) || (positive && value->get<double>() <= 0)) {
      fail(fmt::format("'{}{}' must be a {}number, got {}", prefix, key, positive ? "positive " : "", value->dump()));
      return 0;
    }
    return value->get<double>();
  }
  std::string string(const char* key) {
    const Json* value = find(key, nullptr, "");
    if (!value) return {};
    if (!value->is_string()) {
      fail(fmt::format("'{}' must be a string, got {}", key, value->dump()));
      return {};
    }
    return value->get<std::string>();
  }
  const Json* object(const char* key) {
    const Json* value = find(key, nullptr, "");
    if (value && !value->is_object()) {
      fail(fmt::format("'{}' must be an object", key));
      return nullptr;
    }
    return value;
  }
  const Json* optional(const char* key) const {
    auto it = root_.find(key);
    return it == root_.end() || it->is_null() ? nullptr : &*it;
  }
  void fail(std::string message) {
    if (error_.empty()) error_ = source_ + ": " + std::move(message);
  }
  const std::string& error() const { return error_; }

 private:
  const Json* find(const char* key, const Json* object, const char* prefix) {
    const Json& in = object ? *object : root_;
    auto it = in.find(key);
    if (it == in.end() || it->is_null()) {
      fail(fmt::format("required key '{}{}' is missing", prefix, key));
      return nullptr;
    }
    return &*it;
  }
  const Json& root_;
  std::string source_;
  std::string error_;
};

}  // namespace

Result<ModelConfig> parse_model_config(std::string_view json_text, const std::string& source) {
  const Json root = Json::parse(json_text, nullptr, /*allow_exceptions=*/false);
  if (root.is_discarded() || !root.is_object()) {
    return make_error(ErrorCode::kInvalidArgument, source + ": not a JSON object");
  }
  Reader r(root, source);
  ModelConfig c;
  c.vocab_size = r.positive_int("vocab_size");
  c.dim = r.positive_int("hidden_size");
  c.n_layers = r.positive_int("num_hidden_layers");
  c.n_heads = r.positive_int("num_attention_heads");
  c.head_dim = r.positive_int("head_dim");
  c.rope_head_dim = r.positive_int("qk_rope_head_dim");
  c.q_lora_rank = r.positive_int("q_lora_rank");
  c.o_groups = r.positive_int("o_groups");
  c.o_lora_rank = r.positive_int("o_lora_rank");
  c.window_size = r.positive_int("sliding_window");
  c.compress_rope_theta = r.number("compress_rope_theta");
  c.rope_theta = r.number("rope_theta");
  if (const Json* scaling = r.object("rope_scaling")) {
    c.rope_factor = r.number("factor", scaling, "rope_scaling.");
    c.original_seq_len = r.positive_int("original_max_position_embeddings", scaling, "rope_scaling.");
    c.beta_fast = r.number("beta_fast", scaling, "rope_scaling.");
    c.beta_slow = r.number("beta_slow", scaling, "rope_scaling.");
  }
  c.index_n_heads = r.positive_int("index_n_heads");
  c.index_head_dim = r.positive_int("index_head_dim");
  c.index_topk = r.positive_int("index_topk");
  c.n_routed_experts = r.positive_int("n_routed_experts");
  c.n_shared_experts = r.positive_int("n_shared_experts");
  c.n_activated_experts = r.positive_int("num_experts_per_tok");
  c.moe_inter_dim = r.positive_int("moe_intermediate_size");
  c.n_hash_layers = r.non_negative_int("num_hash_layers");
  c.score_func = r.string("scoring_func");
  c.route_scale = r.number("routed_scaling_factor");
  c.swiglu_limit = r.number("swiglu_limit", nullptr, "", /*positive=*/false);
  c.norm_eps = r.number("rms_norm_eps");
  c.hc_mult = r.positive_int("hc_mult");
  c.hc_sinkhorn_iters = r.positive_int("hc_sinkhorn_iters");
  c.hc_eps = r.number("hc_eps");
  c.n_mtp_layers = r.non_negative_int("num_nextn_predict_layers");
  c.max_position_embeddings = r.positive_int("max_position_embeddings");
  if (const Json* expert = r.optional("expert_dtype")) {
    if (!expert->is_string() || (*expert != "fp4" && *expert != "fp8")) {
      r.fail(fmt::format("'expert_dtype' must be \"fp4\" or \"fp8\", got {}", expert->dump()));
    } else {
      c.experts_fp4 = *expert == "fp4";
    }
  }
  // Weights are FP8 e4m3 with 128x128 UE8M0 block scales (the released format).
  if (const Json* quant = r.object("quantization_config")) {
    if (quant->value("quant_method", "") != "fp8" || quant->value("fmt", "e4m3") != "e4m3" ||
        quant->value("weight_block_size", Json::array({128, 128})) != Json::array({128, 128}) ||
        quant->value("scale_fmt", "ue8m0") != "ue8m0") {
      r.fail("'quantization_config' must describe fp8 e4m3 weights with 128x128 ue8m0 block scales, got " + quant->dump());
    }
  }
  if (const Json* ratios = root.contains("compress_ratios") ? &root["compress_ratios"] : nullptr; !ratios) {
    r.fail("required key 'compress_ratios' is missing");
  } else if (!ratios->is_array()) {
    r.fail("'compress_ratios' must be a list of integers");
  } else {
    for (const Json& v : *ratios) {
      // 0 = sliding window only; otherwise a ratio dividing 128, the page size of the KV.
      if (!v.is_number_integer() || v.get<std::int64_t>() < 0 || v.get<std::int64_t>() == 1 ||
          (v.get<std::int64_t>() > 0 && 128 % v.get<std::int64_t>() != 0)) {
        r.fail(fmt::format("'compress_ratios' entries must be 0 or a divisor of 128 above 1, got {}", v.dump()));
        break;
      }
      c.compress_ratios.push_back(v.get<std::int64_t>());
    }
  }
  if (!r.error().empty()) return make_error(ErrorCode::kInvalidArgument, r.error());

  const auto invalid = [&](const std::string& message) { return make_error(ErrorCode::kInvalidArgument, source + ": " + message); };
  if (static_cast<std::int64_t>(c.compress_ratios.size()) < c.n_layers + c.n_mtp_layers) {
    return invalid(fmt::format("'compress_ratios' has {} entries; num_hidden_layers + num_nextn_predict_layers = {}",
                               c.compress_ratios.size(), c.n_layers + c.n_mtp_layers));
  }
  if (c.rope_head_dim % 2 != 0 || c.rope_head_dim >= c.head_dim) {
    return invalid(fmt::format("qk_rope_head_dim ({}) must be even and below head_dim ({})", c.rope_head_dim, c.head_dim));
  }
  if (c.n_heads % c.o_groups != 0) {
    return invalid(fmt::format("num_attention_heads ({}) must be a multiple of o_groups ({})", c.n_heads, c.o_groups));
  }
  if (c.n_shared_experts != 1) return invalid("n_shared_experts must be 1 (the official code asserts it)");
  if (c.n_activated_experts > c.n_routed_experts) {
    return invalid(fmt::format("num_experts_per_tok ({}) exceeds n_routed_experts ({})", c.n_activated_experts, c.n_routed_experts));
  }
  if (c.n_hash_layers > c.n_layers) return invalid("num_hash_layers exceeds num_hidden_layers");
  if (c.score_func != "sqrtsoftplus" && c.score_func != "softmax" && c.score_func != "sigmoid") {
    return invalid("scoring_func must be sqrtsoftplus, softmax or sigmoid, got '" + c.score_func + "'");
  }
  // Activations are FP8-quantized in blocks of 128 before every quantized linear, the kv
  // nope dims in blocks of 64, the indexer's in blocks of 32 after a Hadamard rotation.
  for (const auto& [name, value] : {std::pair{"hidden_size", c.dim}, std::pair{"q_lora_rank", c.q_lora_rank},
                                     std::pair{"moe_intermediate_size", c.moe_inter_dim},
                                     std::pair{"o_groups * o_lora_rank", c.o_groups * c.o_lora_rank}}) {
    if (value % 128 != 0) return invalid(fmt::format("{} ({}) must be a multiple of 128", name, value));
  }
  if ((c.head_dim - c.rope_head_dim) % 64 != 0) {
    return invalid(fmt::format("head_dim - qk_rope_head_dim ({}) must be a multiple of 64", c.head_dim - c.rope_head_dim));
  }
  if ((c.index_head_dim & (c.index_head_dim - 1)) != 0 || c.index_head_dim % 32 != 0) {
    return invalid(fmt::format("index_head_dim ({}) must be a power of two, at least 32", c.index_head_dim));
  }
  if (c.index_head_dim <= c.rope_head_dim) {
    return invalid(fmt::format("index_head_dim ({}) must exceed qk_rope_head_dim ({})", c.index_head_dim, c.rope_head_dim));
  }
  return c;
}

Result<ModelConfig> load_model_config(const std::string& dir) {
  const std::string path = dir + "/config.json";
  std::ifstream file(path);
  if (!file) return make_error(ErrorCode::kNotFound, path + ": cannot open");
  std::stringstream text;
  text << file.rdbuf();
  return parse_model_config(text.str(), path);
}

}  // namespace seek::engine
