// `seek model init`: the tiny preset writes a checkpoint in the official layout that the
// loader validates against the inventory of its own config.json, deterministically in the
// seed, with the V4 tokenizer beside it; an existing checkpoint is never overwritten.
#include <gtest/gtest.h>

#include <filesystem>
#include <cstring>
#include <fstream>

#include "engine/checkpoint/config.h"
#include "engine/checkpoint/inventory.h"
#include "engine/checkpoint/quant.h"
#include "engine/checkpoint/safetensors.h"
#include "tests/support/paths.h"
#include "tests/support/subprocess.h"
#include "tests/support/temp_dir.h"

namespace seek::engine {
namespace {

namespace fs = std::filesystem;

std::string slurp(const fs::path& p) {
  std::ifstream f(p, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(f), {});
}

testing::ProcessResult model_init(const std::string& out, int seed) {
  return testing::run_process({testing::seek_binary(), "model", "init", "--preset", "tiny", "--seed", std::to_string(seed),
                               "--out", out});
}

TEST(ModelInit, TinyCheckpointIsValidAndDeterministic) {
  testing::TempDir dir("sk-init-");
  const std::string a = (dir / "a").string(), b = (dir / "b").string(), c = (dir / "c").string();
  auto r = model_init(a, 7);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto config = load_model_config(a);
  ASSERT_TRUE(config.ok()) << config.error().message;
  EXPECT_EQ(config->vocab_size, 129280);
  EXPECT_EQ(config->head_dim, 512);
  EXPECT_EQ(config->rope_head_dim, 64);
  EXPECT_GE(config->n_hash_layers, 1);
  EXPECT_EQ(config->n_mtp_layers, 1);
  bool has0 = false, has4 = false, has128 = false;
  for (std::int64_t l = 0; l < config->n_layers; ++l) {
    has0 |= config->ratio(l) == 0;
    has4 |= config->ratio(l) == 4;
    has128 |= config->ratio(l) == 128;
  }
  EXPECT_TRUE(has0 && has4 && has128);
  auto checkpoint = Checkpoint::open(a);
  ASSERT_TRUE(checkpoint.ok()) << checkpoint.error().message;
  EXPECT_TRUE(validate_checkpoint(*checkpoint, *config).ok());
  int shards = 0;
  for (const auto& entry : fs::directory_iterator(a)) shards += entry.path().extension() == ".safetensors";
  EXPECT_GE(shards, 2);

  // Stored formats are real: FP8 scales are powers of two near 1/sqrt(in)/448*..., norms ~1.
  auto norm = checkpoint->get("layers.0.attn_norm.weight");
  ASSERT_TRUE(norm.ok());
  std::uint16_t bits;
  std::memcpy(&bits, norm->data, 2);
  EXPECT_NEAR(quant::bf16_to_float(bits), 1.0f, 0.1f);
  auto tid2eid = checkpoint->get("layers.0.ffn.gate.tid2eid");
  ASSERT_TRUE(tid2eid.ok());
  std::int64_t ids[2];
  std::memcpy(ids, tid2eid->data, sizeof(ids));
  EXPECT_NE(ids[0], ids[1]);
  EXPECT_LT(ids[0], config->n_routed_experts);

  ASSERT_EQ(model_init(b, 7).exit_code, 0);
  ASSERT_EQ(model_init(c, 8).exit_code, 0);
  EXPECT_EQ(slurp(a + "/model-00002-of-00002.safetensors"), slurp(b + "/model-00002-of-00002.safetensors"));
  EXPECT_NE(slurp(a + "/model-00002-of-00002.safetensors"), slurp(c + "/model-00002-of-00002.safetensors"));

  // The tokenizer comes along and works.
  auto t = testing::run_process({testing::seek_binary(), "tokenize", "--tokenizer", a + "/tokenizer.json"}, {},
                                std::chrono::seconds(30), "Hello!");
  EXPECT_EQ(t.out, "[19923,3]\n");

  // Never over an existing checkpoint.
  r = model_init(a, 9);
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("already holds a checkpoint"), std::string::npos) << r.err;
  EXPECT_EQ(testing::run_process({testing::seek_binary(), "model", "init", "--preset", "huge", "--seed", "1", "--out", c})
                .exit_code,
            2);
}

}  // namespace
}  // namespace seek::engine
