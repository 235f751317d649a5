// config.json: the released V4-Flash config parses with every value of spec §2.1; other
// sizes and schedules are accepted; every missing or invalid required key is named.
#include "engine/checkpoint/config.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "tests/support/paths.h"

namespace seek::engine {
namespace {

std::string flash_text() { return testing::read_test_file(testing::test_data_path("engine/v4_flash_config.json")); }

TEST(ModelConfig, ParsesTheReleasedFlashConfig) {
  auto c = parse_model_config(flash_text(), "config.json");
  ASSERT_TRUE(c.ok()) << c.error().message;
  EXPECT_EQ(c->vocab_size, 129280);
  EXPECT_EQ(c->dim, 4096);
  EXPECT_EQ(c->n_layers, 43);
  EXPECT_EQ(c->n_heads, 64);
  EXPECT_EQ(c->head_dim, 512);
  EXPECT_EQ(c->rope_head_dim, 64);
  EXPECT_EQ(c->q_lora_rank, 1024);
  EXPECT_EQ(c->o_groups, 8);
  EXPECT_EQ(c->o_lora_rank, 1024);
  EXPECT_EQ(c->window_size, 128);
  ASSERT_EQ(c->compress_ratios.size(), 44u);
  EXPECT_EQ(c->ratio(0), 0);
  EXPECT_EQ(c->ratio(2), 4);
  EXPECT_EQ(c->ratio(3), 128);
  EXPECT_EQ(c->ratio(43), 0);  // the MTP block
  EXPECT_EQ(c->compress_rope_theta, 160000);
  EXPECT_EQ(c->rope_theta, 10000);
  EXPECT_EQ(c->rope_factor, 16);
  EXPECT_EQ(c->original_seq_len, 65536);
  EXPECT_EQ(c->beta_fast, 32);
  EXPECT_EQ(c->beta_slow, 1);
  EXPECT_EQ(c->index_n_heads, 64);
  EXPECT_EQ(c->index_head_dim, 128);
  EXPECT_EQ(c->index_topk, 512);
  EXPECT_EQ(c->n_routed_experts, 256);
  EXPECT_EQ(c->n_activated_experts, 6);
  EXPECT_EQ(c->moe_inter_dim, 2048);
  EXPECT_EQ(c->n_hash_layers, 3);
  EXPECT_EQ(c->score_func, "sqrtsoftplus");
  EXPECT_EQ(c->route_scale, 1.5);
  EXPECT_EQ(c->swiglu_limit, 10.0);
  EXPECT_EQ(c->norm_eps, 1e-6);
  EXPECT_EQ(c->hc_mult, 4);
  EXPECT_EQ(c->hc_sinkhorn_iters, 20);
  EXPECT_EQ(c->hc_eps, 1e-6);
  EXPECT_EQ(c->n_mtp_layers, 1);
  EXPECT_TRUE(c->experts_fp4);
}

TEST(ModelConfig, AcceptsOtherShapesAndSchedules) {
  auto json = nlohmann::json::parse(flash_text());
  json["hidden_size"] = 256;
  json["num_hidden_layers"] = 3;
  json["compress_ratios"] = {128, 4, 0, 0};  // a ratio-128 first layer, as in Pro
  json["num_hash_layers"] = 1;
  json.erase("expert_dtype");               // experts in FP8, like the other linears
  auto c = parse_model_config(json.dump(), "config.json");
  ASSERT_TRUE(c.ok()) << c.error().message;
  EXPECT_EQ(c->ratio(0), 128);
  EXPECT_FALSE(c->experts_fp4);
}

TEST(ModelConfig, NamesTheMissingOrInvalidKey) {
  const auto base = nlohmann::json::parse(flash_text());
  struct Case {
    std::function<void(nlohmann::json&)> damage;
    const char* key;
  };
  const Case cases[] = {
      {[](auto& j) { j.erase("hidden_size"); }, "'hidden_size' is missing"},
      {[](auto& j) { j["num_attention_heads"] = "64"; }, "'num_attention_heads' must be a positive integer"},
      {[](auto& j) { j["head_dim"] = 0; }, "'head_dim' must be a positive integer"},
      {[](auto& j) { j["rope_scaling"].erase("factor"); }, "'rope_scaling.factor' is missing"},
      {[](auto& j) { j["compress_ratios"] = {0, 4}; }, "'compress_ratios' has 2 entries"},
      {[](auto& j) { j["compress_ratios"][5] = 3; }, "'compress_ratios' entries must be 0 or a divisor of 128"},
      {[](auto& j) { j["o_groups"] = 7; }, "multiple of o_groups"},
      {[](auto& j) { j["scoring_func"] = "relu"; }, "scoring_func"},
      {[](auto& j) { j["expert_dtype"] = "int4"; }, "'expert_dtype'"},
      {[](auto& j) { j["quantization_config"]["weight_block_size"] = {64, 64}; }, "quantization_config"},
      {[](auto& j) { j["rms_norm_eps"] = -1; }, "'rms_norm_eps' must be a positive number"},
      {[](auto& j) { j["num_experts_per_tok"] = 999; }, "exceeds n_routed_experts"},
  };
  for (const Case& c : cases) {
    auto json = base;
    c.damage(json);
    auto parsed = parse_model_config(json.dump(), "ckpt/config.json");
    ASSERT_FALSE(parsed.ok()) << c.key;
    EXPECT_NE(parsed.error().message.find(c.key), std::string::npos) << parsed.error().message;
    EXPECT_EQ(parsed.error().message.rfind("ckpt/config.json: ", 0), 0u) << parsed.error().message;
  }
  EXPECT_FALSE(parse_model_config("[1,2]", "x").ok());
  EXPECT_FALSE(load_model_config("/nonexistent").ok());
}

}  // namespace
}  // namespace seek::engine
