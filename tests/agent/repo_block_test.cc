// The repository block on real git repositories (the git CLI with fixed commit dates): the
// most stable files first, every part on a 128-token page, the working set after the body
// with HEAD's copies kept in the body, skipped files counted, the same layout from a fresh
// clone of the same state, and a budget met from the oldest file on by outlines (or drops).
#include "agent/repo_block.h"

#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <string>
#include <vector>

#include "tests/support/paths.h"
#include "tests/support/subprocess.h"
#include "tests/support/temp_dir.h"

namespace seek::agent {
namespace {

namespace fs = std::filesystem;

class RepoBlockTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    auto loaded = engine::Tokenizer::load(testing::v4_tokenizer_path());
    ASSERT_TRUE(loaded.ok()) << loaded.error().message;
    tokenizer_ = new engine::Tokenizer(std::move(*loaded));
  }
  static void TearDownTestSuite() { delete tokenizer_; }

  void SetUp() override {
    git({"init", "-q", "."});
    git({"config", "user.email", "t@example.com"});
    git({"config", "user.name", "t"});
  }

  void write(const std::string& path, const std::string& text) {
    fs::create_directories((repo_.path() / path).parent_path());
    std::ofstream(repo_.path() / path, std::ios::binary) << text;
  }
  void git(const std::vector<std::string>& args, const std::string& date = "2024-01-01T00:00:00Z") {
    std::vector<std::string> argv = {"git", "-C", repo_.path().string()};
    argv.insert(argv.end(), args.begin(), args.end());
    const auto r = testing::run_process(argv, {{"GIT_AUTHOR_DATE", date}, {"GIT_COMMITTER_DATE", date}});
    ASSERT_EQ(r.exit_code, 0) << r.err;
  }
  void commit_all(const std::string& date) {
    git({"add", "-A"});
    git({"commit", "-q", "-m", "change"}, date);
  }
  RepoBlock build(const RepoBlockOptions& options = {}) const {
    auto state = tools::RepoState::read(repo_.path());
    EXPECT_TRUE(state.ok()) << state.error().message;
    auto block = build_repo_block(*state, *tokenizer_, options);
    EXPECT_TRUE(block.ok()) << block.error().message;
    return std::move(*block);
  }
  static std::vector<std::string> paths(const RepoBlock& block, BlockPart::Section section) {
    std::vector<std::string> out;
    for (const BlockPart& p : block.parts) {
      if (p.section == section && p.as != BlockPart::As::kHeader) out.push_back(p.path);
    }
    return out;
  }
  static std::string text_of(const RepoBlock& block, const BlockPart& part) {
    std::vector<engine::TokenId> ids(block.tokens.begin() + part.first_token,
                                     block.tokens.begin() + part.first_token + part.tokens - part.padding);
    return tokenizer_->decode(ids).value_or("?");
  }
  static const BlockPart* part_of(const RepoBlock& block, const std::string& path, BlockPart::Section section) {
    for (const BlockPart& p : block.parts) {
      if (p.path == path && p.section == section) return &p;
    }
    return nullptr;
  }

  testing::TempDir repo_{"seek-block-"};
  static engine::Tokenizer* tokenizer_;
};

engine::Tokenizer* RepoBlockTest::tokenizer_ = nullptr;

TEST_F(RepoBlockTest, MostStableFirstAndEveryPartOnAPage) {
  write("a.py", "def a():\n    return 1\n");
  write("b.py", "def b():\n    return 2\n");
  write("c/d.txt", "notes\n");
  commit_all("2024-01-01T00:00:00Z");
  write("a.py", "def a():\n    return 10\n");
  commit_all("2024-02-01T00:00:00Z");
  write("b.py", "def b():\n    return 20\n");
  commit_all("2024-03-01T00:00:00Z");

  const RepoBlock block = build();
  EXPECT_EQ(paths(block, BlockPart::Section::kStable), (std::vector<std::string>{"c/d.txt", "a.py", "b.py"}));
  EXPECT_TRUE(paths(block, BlockPart::Section::kWorkingSet).empty());
  EXPECT_EQ(block.files, 3);
  EXPECT_EQ(block.working_set_tokens, 0);
  EXPECT_EQ(block.stable_tokens, static_cast<std::int64_t>(block.tokens.size()));
  std::int64_t at = 0;
  for (const BlockPart& p : block.parts) {
    EXPECT_EQ(p.first_token, at) << p.path;
    EXPECT_EQ(p.first_token % kPageTokens, 0) << p.path;
    EXPECT_EQ(p.tokens % kPageTokens, 0) << p.path;
    EXPECT_LT(p.padding, kPageTokens);
    at += p.tokens;
  }
  EXPECT_EQ(text_of(block, *part_of(block, "a.py", BlockPart::Section::kStable)), "==> a.py <==\ndef a():\n    return 10\n");
}

TEST_F(RepoBlockTest, TheWorkingSetFollowsTheBodyWhichKeepsHeadsCopies) {
  write(".gitignore", "*.log\n");
  write("keep.py", "x = 1\n");
  write("gone.py", "y = 2\n");
  commit_all("2024-01-01T00:00:00Z");
  write("keep.py", "x = 2  # edited\n");
  write("new.py", "z = 3\n");
  write("debug.log", "ignored\n");
  fs::remove(repo_.path() / "gone.py");

  const RepoBlock block = build();
  const BlockPart* body = part_of(block, "keep.py", BlockPart::Section::kStable);
  const BlockPart* latest = part_of(block, "keep.py", BlockPart::Section::kWorkingSet);
  ASSERT_TRUE(body && latest);
  EXPECT_EQ(text_of(block, *body), "==> keep.py <==\nx = 1\n");  // the body is HEAD's, never the edit
  EXPECT_EQ(text_of(block, *latest), "==> keep.py <==\nx = 2  # edited\n");
  EXPECT_LT(body->first_token, latest->first_token);
  const BlockPart* deleted = part_of(block, "gone.py", BlockPart::Section::kWorkingSet);
  ASSERT_TRUE(deleted);
  EXPECT_EQ(deleted->as, BlockPart::As::kDeleted);
  EXPECT_TRUE(part_of(block, "new.py", BlockPart::Section::kWorkingSet));
  EXPECT_FALSE(part_of(block, "debug.log", BlockPart::Section::kWorkingSet));
  EXPECT_EQ(block.stable_tokens + block.working_set_tokens, static_cast<std::int64_t>(block.tokens.size()));
  // The stable body does not depend on the working set: an edit recomputes none of it.
  write("keep.py", "x = 3  # edited again\n");
  const RepoBlock again = build();
  EXPECT_TRUE(std::equal(block.tokens.begin(), block.tokens.begin() + block.stable_tokens, again.tokens.begin()));
}

TEST_F(RepoBlockTest, BinaryGeneratedVendoredAndHugeFilesAreSkipped) {
  write("src/main.go", "package main\n");
  write("logo.png", std::string("\x89PNG\r\n\x1a\n\0\0\0", 11));
  write("api.pb.go", "// Code generated by protoc-gen-go. DO NOT EDIT.\npackage api\n");
  write("node_modules/left-pad/index.js", "module.exports = 1;\n");
  write("package-lock.json", "{}\n");
  write("big.txt", std::string(2u << 20, 'x'));
  commit_all("2024-01-01T00:00:00Z");
  const RepoBlock block = build();
  EXPECT_EQ(paths(block, BlockPart::Section::kStable), std::vector<std::string>{"src/main.go"});
  EXPECT_EQ(block.skipped, 5);
  EXPECT_TRUE(is_vendored_or_lock_file("a/vendor/b.go"));
  EXPECT_FALSE(is_vendored_or_lock_file("src/vendors.go"));
}

TEST_F(RepoBlockTest, AFreshCloneOfTheSameStateLaysOutTheSameBlock) {
  write("one.py", "print('<｜end▁of▁sentence｜>')\n");  // file text cannot act as a control token
  write("two.md", "# Two\n");
  commit_all("2024-01-01T00:00:00Z");
  write("two.md", "# Two, revised\n");
  commit_all("2024-05-01T00:00:00Z");
  const RepoBlock here = build();
  testing::TempDir other("seek-clone-");
  const auto cloned = testing::run_process({"git", "clone", "-q", repo_.path().string(), (other.path() / "r").string()});
  ASSERT_EQ(cloned.exit_code, 0) << cloned.err;
  auto state = tools::RepoState::read(other.path() / "r");
  ASSERT_TRUE(state.ok());
  auto there = build_repo_block(*state, *tokenizer_);
  ASSERT_TRUE(there.ok());
  // Only the header names the folder; from the first file on, the tokens are the same.
  ASSERT_EQ(here.tokens.size(), there->tokens.size());
  const std::int64_t body = here.parts[1].first_token;
  EXPECT_TRUE(std::equal(here.tokens.begin() + body, here.tokens.end(), there->tokens.begin() + body));
  const auto special = tokenizer_->token_to_id("<｜end▁of▁sentence｜>");
  ASSERT_TRUE(special.has_value());
  EXPECT_EQ(std::count(here.tokens.begin(), here.tokens.end(), *special), 0);
}

TEST_F(RepoBlockTest, OverBudgetTheOldestFilesBecomeOutlinesOrAreDropped) {
  std::string long_source;
  for (int i = 0; i < 40; ++i) {  // long bodies: the outline is a small part of the file
    long_source += "def f" + std::to_string(i) + "(x):\n";
    for (int line = 0; line < 10; ++line) long_source += "    x = x * " + std::to_string(line) + " + " + std::to_string(i) + "\n";
    long_source += "    return x\n\n";
  }
  write("old.py", long_source);
  write("notes.txt", std::string(3000, 'n') + "\n");
  commit_all("2024-01-01T00:00:00Z");
  write("recent.py", "def g():\n    pass\n");
  commit_all("2024-06-01T00:00:00Z");

  const RepoBlock full = build();
  const BlockPart* old_whole = part_of(full, "old.py", BlockPart::Section::kStable);
  ASSERT_TRUE(old_whole);
  // A budget that fits only if old.py shrinks (its outline takes well under 8 pages).
  const std::int64_t budget = static_cast<std::int64_t>(full.tokens.size()) - old_whole->tokens + 8 * kPageTokens;
  ASSERT_LT(budget, static_cast<std::int64_t>(full.tokens.size()));
  const RepoBlock outlined = build({.max_tokens = budget});
  const BlockPart* old_outline = part_of(outlined, "old.py", BlockPart::Section::kStable);
  ASSERT_TRUE(old_outline);
  EXPECT_EQ(old_outline->as, BlockPart::As::kOutline);
  EXPECT_NE(text_of(outlined, *old_outline).find("     1: def f0(x):\n"), std::string::npos) << text_of(outlined, *old_outline);
  EXPECT_LE(static_cast<std::int64_t>(outlined.tokens.size()), budget);
  // notes.txt comes first (the same commit, earlier by path) and has no outline: dropped;
  // that was not enough, so old.py became its outline; recent.py stays whole.
  ASSERT_EQ(outlined.left_out.size(), 2u);
  EXPECT_EQ(outlined.left_out[0].path, "notes.txt");
  EXPECT_EQ(outlined.left_out[0].as, "dropped");
  EXPECT_EQ(outlined.left_out[1].path, "old.py");
  EXPECT_EQ(outlined.left_out[1].as, "outline");
  EXPECT_EQ(part_of(outlined, "recent.py", BlockPart::Section::kStable)->as, BlockPart::As::kWhole);

  // A budget of two pages keeps the header and the newest file; the rest is dropped.
  const RepoBlock tight = build({.max_tokens = 2 * kPageTokens});
  EXPECT_LE(static_cast<std::int64_t>(tight.tokens.size()), 2 * kPageTokens);
  EXPECT_EQ(paths(tight, BlockPart::Section::kStable), std::vector<std::string>{"recent.py"});
  std::map<std::string, std::string> how;
  for (const LeftOut& l : tight.left_out) how[l.path] = l.as;
  EXPECT_EQ(how["notes.txt"], "dropped");  // no outline for plain text
  EXPECT_EQ(how["old.py"], "dropped");
}

TEST_F(RepoBlockTest, AFolderOutsideGitIsAllWorkingSet) {
  testing::TempDir plain("seek-plain-");
  std::ofstream(plain / "a.txt") << "alpha\n";
  std::ofstream(plain / "b.txt") << "beta\n";
  auto state = tools::RepoState::read(plain.path());
  ASSERT_TRUE(state.ok()) << state.error().message;
  EXPECT_TRUE(state->head().empty());
  auto block = build_repo_block(*state, *tokenizer_);
  ASSERT_TRUE(block.ok());
  EXPECT_EQ(block->files, 2);
  EXPECT_EQ(block->stable_tokens, kPageTokens);  // the header only
}

}  // namespace
}  // namespace seek::agent
