// The persistent KV store on a tiny random checkpoint: a second engine (a restarted daemon)
// starts a 700-token prompt from the 640-token state the first one stored and generates
// exactly what an engine without the store does; a damaged file is refused and deleted; a
// rewritten checkpoint never meets old states; the byte budget evicts the least recently
// used; foreign or truncated bytes are refused with a clear error.
#include "engine/kv/kv_store.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <thread>

#include "engine/checkpoint/presets.h"
#include "engine/checkpoint/random_checkpoint.h"
#include "engine/runtime/local_engine.h"
#include "tests/support/paths.h"
#include "tests/support/temp_dir.h"

namespace seek::engine {
namespace {

namespace fs = std::filesystem;

std::vector<TokenId> prompt(int n, int salt) {
  std::vector<TokenId> t(static_cast<std::size_t>(n));
  for (int i = 0; i < n; ++i) t[static_cast<std::size_t>(i)] = (i * 7919 + salt * 31 + 5) % 120000;
  return t;
}

std::pair<std::vector<TokenId>, GenerateStats> generate(LocalEngine& engine, const std::vector<TokenId>& ids) {
  GenerateRequest r;
  r.prompt = ids;
  r.max_tokens = 6;
  std::vector<TokenId> out;
  std::atomic<bool> cancel{false};
  auto stats = engine.submit(r, [&](const GenerateEvent& e) { if (e.kind == GenerateEvent::Kind::kToken) out.push_back(e.token); }, cancel);
  EXPECT_TRUE(stats.ok()) << stats.error().message;
  return {out, stats.ok() ? *stats : GenerateStats{}};
}

std::vector<fs::path> states_in(const fs::path& dir) {
  std::vector<fs::path> files;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(dir, ec)) {
    if (e.path().extension() == ".kv") files.push_back(e.path());
  }
  return files;
}

class KvStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto config = preset_config("tiny");
    ASSERT_TRUE(config.ok());
    ck_ = (dir_ / "ck").string();
    ASSERT_TRUE(write_random_checkpoint(*config, ck_, {.seed = 5, .tokenizer_dir = fs::path(testing::v4_tokenizer_path()).parent_path().string()}).ok());
  }
  std::unique_ptr<LocalEngine> engine(bool with_store, std::uint64_t budget = 1ull << 30) {
    auto e = LocalEngine::load(ck_);
    EXPECT_TRUE(e.ok()) << e.error().message;
    if (with_store) {
      EXPECT_TRUE((*e)->enable_kv_store(dir_ / "kv", budget).ok());
    }
    return std::move(*e);
  }
  testing::TempDir dir_{"sk-kv-"};
  std::string ck_;
};

TEST_F(KvStoreTest, ARestartedEngineStartsFromTheStoredPrefixAndAgreesExactly) {
  const auto ids = prompt(700, 1);
  std::vector<TokenId> first;
  {
    auto a = engine(true);
    auto [out, stats] = generate(*a, ids);
    EXPECT_EQ(stats.reused_tokens, 0);
    first = out;
    a->kv_store()->flush();
  }
  ASSERT_EQ(states_in(dir_ / "kv").size(), 1u) << "the deepest boundary below 700: 640";
  auto b = engine(true);
  auto [again, stats] = generate(*b, ids);
  EXPECT_EQ(stats.reused_tokens, 640);
  EXPECT_EQ(again, first);
  auto plain = engine(false);
  auto [expected, plain_stats] = generate(*plain, ids);
  EXPECT_EQ(plain_stats.reused_tokens, 0);
  EXPECT_EQ(expected, first) << "the stored state gives bit for bit the same continuation";
  // A longer prompt on the same prefix starts from it too.
  auto longer = ids;
  for (int i = 0; i < 100; ++i) longer.push_back(1000 + i);
  auto c = engine(true);
  EXPECT_EQ(generate(*c, longer).second.reused_tokens, 640);
}

TEST_F(KvStoreTest, DamagedStatesAndRewrittenCheckpointsAreNeverUsed) {
  const auto ids = prompt(700, 2);
  {
    auto a = engine(true);
    generate(*a, ids);
    a->kv_store()->flush();
  }
  auto files = states_in(dir_ / "kv");
  ASSERT_EQ(files.size(), 1u);
  {
    std::fstream f(files[0], std::ios::in | std::ios::out | std::ios::binary);
    f.seekp(static_cast<std::streamoff>(fs::file_size(files[0]) / 2));
    f.put('\x5a');
  }
  auto b = engine(true);
  EXPECT_EQ(generate(*b, ids).second.reused_tokens, 0) << "a damaged file is refused";
  b->kv_store()->flush();
  EXPECT_EQ(states_in(dir_ / "kv").size(), 1u) << "...deleted, and a good one written again";

  // Rewriting a shard (new mtime, new inode) changes the fingerprint: old states are foreign.
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  for (const auto& e : fs::directory_iterator(ck_)) {
    if (e.path().extension() == ".safetensors") {
      fs::copy_file(e.path(), e.path().string() + ".new");
      fs::rename(e.path().string() + ".new", e.path());
      break;
    }
  }
  auto c = engine(true);
  EXPECT_EQ(generate(*c, ids).second.reused_tokens, 0);
}

TEST_F(KvStoreTest, TheBudgetEvictsTheLeastRecentlyUsed) {
  const auto A = prompt(700, 3), B = prompt(700, 4), C = prompt(700, 6), D = prompt(700, 7);
  const auto step = [] { std::this_thread::sleep_for(std::chrono::milliseconds(30)); };  // distinct mtimes
  std::uintmax_t one = 0;
  {
    auto e = engine(true);
    generate(*e, A);
    e->kv_store()->flush();
    ASSERT_EQ(states_in(dir_ / "kv").size(), 1u);
    one = fs::file_size(states_in(dir_ / "kv")[0]);
  }
  const auto has = [&](const std::vector<TokenId>& ids) {  // is the 640-token state of `ids` stored?
    auto probe = engine(false);
    KvStore store(dir_ / "kv", *checkpoint_fingerprint(ck_), 1ull << 40);
    return store.find(ids, 0, probe->model().new_state()).has_value();
  };
  auto e = engine(true, one * 5 / 2);  // room for two states
  step();
  generate(*e, B);
  e->kv_store()->flush();
  step();
  auto reuse = engine(true, one * 5 / 2);  // a new process uses A: A becomes the most recent
  EXPECT_EQ(generate(*reuse, A).second.reused_tokens, 640);
  step();
  generate(*e, C);
  e->kv_store()->flush();
  EXPECT_EQ(states_in(dir_ / "kv").size(), 2u);
  EXPECT_FALSE(has(B)) << "the least recently used went";
  EXPECT_TRUE(has(A));
  EXPECT_TRUE(has(C));
  // A state bigger than half the budget is not written at all (it would flush everything).
  auto tight = engine(true, one);
  generate(*tight, D);
  tight->kv_store()->flush();
  EXPECT_FALSE(has(D));
}

TEST_F(KvStoreTest, ForeignAndTruncatedBytesAreRefused) {
  auto a = engine(false);
  const ModelState shape = a->model().new_state();
  const std::vector<std::int32_t> none;
  ModelState empty = shape;
  const std::string good = serialize_state(none, empty, 42);
  EXPECT_TRUE(deserialize_state(good, none, shape, 42).ok());
  EXPECT_FALSE(deserialize_state(good, none, shape, 43).ok()) << "another checkpoint";
  EXPECT_FALSE(deserialize_state(good.substr(0, good.size() - 9), none, shape, 42).ok()) << "truncated";
  EXPECT_FALSE(deserialize_state("", none, shape, 42).ok());
  ModelState other = shape;
  other.layers.pop_back();
  EXPECT_FALSE(deserialize_state(serialize_state(none, other, 42), none, shape, 42).ok()) << "another model";
  const std::vector<std::int32_t> one{7};
  EXPECT_FALSE(deserialize_state(good, one, shape, 42).ok()) << "another prefix";
}

}  // namespace
}  // namespace seek::engine
