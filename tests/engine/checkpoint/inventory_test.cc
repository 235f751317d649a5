// The inventory a config implies: for the released V4-Flash config (and V4-Pro's values) it
// has exactly the tensor count and byte total of the real checkpoints' headers (spec §5.4);
// a checkpoint written from it validates, and a missing tensor, a wrong shape or a wrong
// dtype is an error naming the tensor.
#include "engine/checkpoint/inventory.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "engine/checkpoint/safetensors_writer.h"
#include "tests/support/paths.h"
#include "tests/support/temp_dir.h"

namespace seek::engine {
namespace {

std::uint64_t total_bytes(const std::vector<ExpectedTensor>& tensors) {
  std::uint64_t total = 0;
  for (const auto& t : tensors) {
    std::uint64_t n = dtype_size(t.dtype);
    for (auto d : t.shape) n *= static_cast<std::uint64_t>(d);
    total += n;
  }
  return total;
}

nlohmann::json flash_json() {
  return nlohmann::json::parse(testing::read_test_file(testing::test_data_path("engine/v4_flash_config.json")));
}

TEST(Inventory, MatchesTheReleasedCheckpointsHeaders) {
  auto flash = parse_model_config(flash_json().dump(), "flash");
  ASSERT_TRUE(flash.ok()) << flash.error().message;
  const auto tensors = expected_tensors(*flash);
  EXPECT_EQ(tensors.size(), 69187u);
  EXPECT_EQ(total_bytes(tensors), 159609485896ull);

  auto pro_json = flash_json();
  pro_json["hidden_size"] = 7168;
  pro_json["num_hidden_layers"] = 61;
  pro_json["num_attention_heads"] = 128;
  pro_json["q_lora_rank"] = 1536;
  pro_json["o_groups"] = 16;
  pro_json["n_routed_experts"] = 384;
  pro_json["moe_intermediate_size"] = 3072;
  pro_json["index_topk"] = 1024;
  pro_json["routed_scaling_factor"] = 2.5;
  std::vector<int> ratios = {128, 128};
  for (int i = 0; i < 29; ++i) ratios.insert(ratios.end(), {4, 128});
  ratios.insert(ratios.end(), {4, 0});
  pro_json["compress_ratios"] = ratios;
  auto pro = parse_model_config(pro_json.dump(), "pro");
  ASSERT_TRUE(pro.ok()) << pro.error().message;
  const auto pro_tensors = expected_tensors(*pro);
  EXPECT_EQ(pro_tensors.size(), 145116u);
  EXPECT_EQ(total_bytes(pro_tensors), 864704792696ull);
}

TEST(Inventory, LayerTypesFollowTheSchedule) {
  auto c = *parse_model_config(flash_json().dump(), "flash");
  const auto tensors = expected_tensors(c);
  const auto has = [&](const std::string& name) {
    return std::any_of(tensors.begin(), tensors.end(), [&](const ExpectedTensor& t) { return t.name == name; });
  };
  EXPECT_FALSE(has("layers.0.attn.compressor.ape"));       // ratio 0
  EXPECT_TRUE(has("layers.2.attn.indexer.wq_b.weight"));  // ratio 4
  EXPECT_TRUE(has("layers.3.attn.compressor.ape"));        // ratio 128
  EXPECT_FALSE(has("layers.3.attn.indexer.wq_b.weight"));
  EXPECT_TRUE(has("layers.2.ffn.gate.tid2eid"));           // hash layer
  EXPECT_FALSE(has("layers.2.ffn.gate.bias"));
  EXPECT_TRUE(has("layers.3.ffn.gate.bias"));
  EXPECT_TRUE(has("mtp.0.e_proj.scale"));
  EXPECT_TRUE(has("mtp.0.ffn.gate.bias"));
  EXPECT_FALSE(has("mtp.0.embed.weight"));                 // shared with the main model
}

// A small config whose checkpoint is cheap to write.
ModelConfig small_config() {
  auto json = flash_json();
  json["vocab_size"] = 64;
  json["hidden_size"] = 128;
  json["num_hidden_layers"] = 3;
  json["num_attention_heads"] = 4;
  json["head_dim"] = 72;
  json["qk_rope_head_dim"] = 8;
  json["q_lora_rank"] = 128;
  json["o_groups"] = 2;
  json["o_lora_rank"] = 64;
  json["index_n_heads"] = 2;
  json["index_head_dim"] = 32;
  json["index_topk"] = 4;
  json["n_routed_experts"] = 4;
  json["num_experts_per_tok"] = 2;
  json["moe_intermediate_size"] = 128;
  json["num_hash_layers"] = 1;
  json["compress_ratios"] = {128, 4, 0, 0};
  auto config = parse_model_config(json.dump(), "small");
  EXPECT_TRUE(config.ok()) << config.error().message;
  return *config;
}

void write_checkpoint(const std::string& dir, const std::vector<ExpectedTensor>& tensors) {
  std::vector<TensorToWrite> first, second;
  std::map<std::string, std::string> weight_map;
  std::uint64_t total = 0;
  for (std::size_t i = 0; i < tensors.size(); ++i) {
    const auto& t = tensors[i];
    std::int64_t n = 1;
    for (auto d : t.shape) n *= d;
    TensorToWrite w{t.name, t.dtype, t.shape, std::vector<std::byte>(static_cast<std::size_t>(n) * dtype_size(t.dtype))};
    total += w.data.size();
    const bool in_first = i % 2 == 0;
    weight_map[t.name] = in_first ? "model-00001-of-00002.safetensors" : "model-00002-of-00002.safetensors";
    (in_first ? first : second).push_back(std::move(w));
  }
  ASSERT_TRUE(write_safetensors(dir + "/model-00001-of-00002.safetensors", first).ok());
  ASSERT_TRUE(write_safetensors(dir + "/model-00002-of-00002.safetensors", second).ok());
  ASSERT_TRUE(write_safetensors_index(dir, weight_map, total).ok());
}

TEST(Inventory, ValidatesACheckpointAndNamesWhatIsWrong) {
  const ModelConfig config = small_config();
  const auto tensors = expected_tensors(config);
  {
    testing::TempDir dir("sk-inv-");
    write_checkpoint(dir.path().string(), tensors);
    auto checkpoint = Checkpoint::open(dir.path().string());
    ASSERT_TRUE(checkpoint.ok()) << checkpoint.error().message;
    EXPECT_TRUE(validate_checkpoint(*checkpoint, config).ok());
  }
  struct Case {
    std::function<void(std::vector<ExpectedTensor>&)> damage;
    const char* phrase;
  };
  const Case cases[] = {
      {[](auto& t) { t.erase(t.begin() + 10); }, "is missing"},
      {[](auto& t) {
         for (auto& x : t) if (x.name == "layers.1.attn.indexer.compressor.ape") x.shape = {4, 16};
       }, "expected F32[4, 64], found F32[4, 16]"},
      {[](auto& t) {
         for (auto& x : t) if (x.name == "layers.0.ffn.experts.1.w2.weight") x.dtype = DType::kBF16;
       }, "expected I8[128, 64], found BF16"},
  };
  for (const Case& c : cases) {
    auto damaged = tensors;
    c.damage(damaged);
    testing::TempDir dir("sk-inv-");
    write_checkpoint(dir.path().string(), damaged);
    auto checkpoint = Checkpoint::open(dir.path().string());
    ASSERT_TRUE(checkpoint.ok()) << checkpoint.error().message;
    auto status = validate_checkpoint(*checkpoint, config);
    ASSERT_FALSE(status.ok()) << c.phrase;
    EXPECT_NE(status.error().message.find(c.phrase), std::string::npos) << status.error().message;
  }
}

}  // namespace
}  // namespace seek::engine
