// LocalEngine, the in-process TokenGenerator: greedy generation streamed as events; an identical
// request answered from the cache; a prompt sharing a long prefix with the previous one
// restarts from a 128-token snapshot and still produces exactly what a fresh engine does;
// a cancel stops it. Runs on a tiny random checkpoint with the real V4 tokenizer.
#include "engine/runtime/local_engine.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "engine/checkpoint/presets.h"
#include "engine/checkpoint/random_checkpoint.h"
#include "tests/support/paths.h"
#include "tests/support/temp_dir.h"

namespace seek::engine {
namespace {

std::vector<TokenId> prompt(int n, int salt) {
  std::vector<TokenId> t(static_cast<std::size_t>(n));
  for (int i = 0; i < n; ++i) t[static_cast<std::size_t>(i)] = (i * 7919 + salt * 31 + 5) % 120000;
  return t;
}

std::pair<std::vector<TokenId>, GenerateStats> run(LocalEngine& engine, const GenerateRequest& r, bool cancel = false) {
  std::vector<TokenId> tokens;
  std::atomic<bool> flag{cancel};
  auto stats = engine.submit(r, [&](const GenerateEvent& e) { if (e.kind == GenerateEvent::Kind::kToken) tokens.push_back(e.token); }, flag);
  EXPECT_TRUE(stats.ok()) << stats.error().message;
  return {tokens, *stats};
}

TEST(LocalEngine, GeneratesCachesReusesPrefixesExactlyAndCancels) {
  testing::TempDir dir("sk-engine-");
  auto config = preset_config("tiny");
  ASSERT_TRUE(config.ok());
  const std::string ck = (dir / "ck").string();
  ASSERT_TRUE(write_random_checkpoint(*config, ck, {.seed = 4, .tokenizer_dir = std::filesystem::path(testing::v4_tokenizer_path()).parent_path().string()}).ok());
  auto engine = LocalEngine::load(ck);
  ASSERT_TRUE(engine.ok()) << engine.error().message;

  GenerateRequest a;
  a.prompt = prompt(300, 1);
  a.max_tokens = 8;
  auto [first, s1] = run(**engine, a);
  EXPECT_EQ(first.size(), 8u);
  EXPECT_EQ(s1.reused_tokens, 0);
  auto [again, s2] = run(**engine, a);
  EXPECT_EQ(again, first);
  EXPECT_TRUE(s2.from_cache);

  // Same first 290 tokens, different tail: restarts from the snapshot at 256.
  GenerateRequest b = a;
  for (std::size_t i = 290; i < b.prompt.size(); ++i) b.prompt[i] = (b.prompt[i] + 17) % 120000;
  auto [reused, s3] = run(**engine, b);
  EXPECT_EQ(s3.reused_tokens, 256);
  auto fresh = LocalEngine::load(ck);
  ASSERT_TRUE(fresh.ok());
  auto [expected, s4] = run(**fresh, b);
  EXPECT_EQ(s4.reused_tokens, 0);
  EXPECT_EQ(reused, expected) << "a snapshot restart must generate exactly what a fresh prefill does";

  GenerateRequest c = a;
  c.prompt = prompt(200, 2);
  auto [none, s5] = run(**engine, c, /*cancel=*/true);
  EXPECT_TRUE(s5.cancelled);
  EXPECT_TRUE(none.empty());
}

}  // namespace
}  // namespace seek::engine
