// Session files: what is synced reads back exactly, after appends, a compaction that
// rewrote earlier messages, header updates, and a torn last line from a crash (the steps
// before it stand, and the next append does not glue onto it). Bad ids are refused.
#include "agent/session_store.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>

#include "tests/support/temp_dir.h"

namespace seek::agent {
namespace {

using Json = nlohmann::json;

class SessionStoreTest : public ::testing::Test {
 protected:
  void SetUp() override { ::setenv("XDG_DATA_HOME", dir_.path().c_str(), 1); }
  testing::TempDir dir_;
};

Json msg(const std::string& role, const std::string& content) { return {{"role", role}, {"content", content}}; }

TEST_F(SessionStoreTest, AppendsCompactionAndHeaderUpdatesReadBackExactly) {
  auto file = SessionFile::create({{"id", "s-1"}, {"repo", "/r"}, {"name", "first"}});
  ASSERT_TRUE(file.ok()) << file.error().message;
  Json t = Json::array({msg("system", "sys"), msg("user", "task")});
  ASSERT_TRUE(file->sync(t).ok());
  t.push_back(msg("assistant", "a1"));
  t.push_back(msg("user", "\xff invalid utf-8"));  // written as U+FFFD, never a failure
  ASSERT_TRUE(file->sync(t).ok());
  // Compaction replaces the middle: the file must hold the new transcript, not a mix.
  Json compacted = Json::array({t[0], t[1], msg("user", "Summary: a1"), msg("assistant", "a2")});
  ASSERT_TRUE(file->sync(compacted).ok());
  ASSERT_TRUE(file->update_header({{"name", "renamed"}}).ok());
  compacted.push_back(msg("user", "more"));
  ASSERT_TRUE(file->sync(compacted).ok());

  auto back = SessionFile::read("s-1");
  ASSERT_TRUE(back.ok()) << back.error().message;
  EXPECT_EQ(back->transcript, compacted);
  EXPECT_EQ(back->header["name"], "renamed");
  EXPECT_EQ(back->header["repo"], "/r");
  const auto listed = SessionFile::list(std::filesystem::path("/r"));
  ASSERT_EQ(listed.size(), 1u);
  EXPECT_EQ(listed[0]["messages"], 5);
  EXPECT_TRUE(SessionFile::list(std::filesystem::path("/elsewhere")).empty());
  EXPECT_EQ(SessionFile::last_for("/r"), "s-1");
}

TEST_F(SessionStoreTest, ATornLastLineLosesOnlyThatStep) {
  {
    auto file = SessionFile::create({{"id", "torn"}, {"repo", "/r"}});
    ASSERT_TRUE(file.ok());
    ASSERT_TRUE(file->sync(Json::array({msg("user", "one"), msg("assistant", "two")})).ok());
  }
  std::ofstream(sessions_dir() / "torn.jsonl", std::ios::app) << R"({"message":{"role":"user","cont)";  // the crash
  auto opened = SessionFile::open("torn");
  ASSERT_TRUE(opened.ok()) << opened.error().message;
  Json t = opened->second.transcript;
  ASSERT_EQ(t.size(), 2u);
  t.push_back(msg("user", "three"));
  ASSERT_TRUE(opened->first.sync(t).ok());
  auto back = SessionFile::read("torn");
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(back->transcript, t);
}

TEST_F(SessionStoreTest, BadIdsAndMissingSessionsAreClearErrors) {
  for (const char* bad : {"", "../etc/passwd", "a/b", ".hidden", "x y"}) {
    auto r = SessionFile::read(bad);
    ASSERT_FALSE(r.ok()) << bad;
    EXPECT_EQ(r.error().code, ErrorCode::kInvalidArgument) << bad;
  }
  auto missing = SessionFile::open("no-such");
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().code, ErrorCode::kNotFound);
  EXPECT_FALSE(SessionFile::create({{"id", "../x"}}).ok());
  ASSERT_TRUE(SessionFile::create({{"id", "dup"}}).ok());
  EXPECT_FALSE(SessionFile::create({{"id", "dup"}}).ok()) << "an existing session is never overwritten";
}

}  // namespace
}  // namespace seek::agent
