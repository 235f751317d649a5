// The git tools on real temporary repositories, checked against the git command line where
// git prints the same thing (diffs), and by golden text elsewhere.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "tests/support/subprocess.h"
#include "tests/support/temp_dir.h"
#include "tools/git_tools.h"

namespace seek::tools {
namespace {

namespace fs = std::filesystem;

class GitTools : public ::testing::Test {
 protected:
  void SetUp() override {
    git({"init", "-q", "-b", "main"});
    git({"config", "user.name", "Test User"});
    git({"config", "user.email", "test@example.com"});
    write("a.txt", "one\ntwo\nthree\n");
    write("b.txt", "bee\n");
    git({"add", "."});
    git({"commit", "-q", "-m", "initial"});
    auto ws = Workspace::open(dir_.path());
    ASSERT_TRUE(ws.ok());
    ASSERT_TRUE(register_git_tools(registry_, std::make_shared<Workspace>(std::move(ws).value())).ok());
  }
  std::string git(const std::vector<std::string>& args) {
    std::vector<std::string> argv = {"git", "-C", dir_.path().string()};
    argv.insert(argv.end(), args.begin(), args.end());
    auto r = testing::run_process(argv);
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return r.out;
  }
  void write(const std::string& name, const std::string& text) { std::ofstream(dir_ / name) << text; }
  ToolOutput call(const std::string& tool, const nlohmann::json& arguments = nlohmann::json::object()) {
    auto out = registry_.dispatch(ToolInvocation{tool, arguments});
    EXPECT_TRUE(out.ok());
    return out.ok() ? *out : ToolOutput{};
  }

  testing::TempDir dir_{"sk-git-"};
  ToolRegistry registry_;
};

TEST_F(GitTools, StatusDiffAddCommitLogShow) {
  EXPECT_EQ(call("git_status").text, "## main\nnothing to commit, working tree clean\n");
  write("a.txt", "one\n2\nthree\n");
  write("new.txt", "fresh\n");
  fs::remove(dir_ / "b.txt");
  EXPECT_EQ(call("git_status").text, "## main\n M a.txt\n D b.txt\n?? new.txt\n");
  EXPECT_EQ(call("git_diff").text, git({"diff"}));
  EXPECT_EQ(call("git_diff", {{"path", "a.txt"}}).text, git({"diff", "--", "a.txt"}));

  EXPECT_EQ(call("git_add", {{"paths", {"a.txt", "b.txt", "new.txt"}}}).text, "staged: a.txt b.txt new.txt\n");
  EXPECT_EQ(call("git_status").text, "## main\nM  a.txt\nD  b.txt\nA  new.txt\n");
  EXPECT_EQ(call("git_diff", {{"staged", true}}).text, git({"diff", "--cached"}));
  EXPECT_EQ(call("git_diff").text, "no differences\n");

  auto committed = call("git_commit", {{"message", "second change\n\nwith a body"}});
  EXPECT_FALSE(committed.is_error) << committed.text;
  EXPECT_EQ(committed.text.substr(committed.text.find(':')), ": second change\n");
  EXPECT_EQ(git({"log", "--format=%s|%an"}), "second change|Test User\ninitial|Test User\n");
  const std::string log = call("git_log").text;
  EXPECT_NE(log.find("Test User second change\n"), std::string::npos) << log;
  EXPECT_NE(log.find("Test User initial\n"), std::string::npos) << log;
  const std::string show = call("git_show").text;
  EXPECT_NE(show.find("Author: Test User <test@example.com>\n\nsecond change\n\nwith a body"), std::string::npos) << show;
  EXPECT_NE(show.find(git({"diff", "HEAD~1", "HEAD"})), std::string::npos) << show;
  EXPECT_EQ(call("git_diff", {{"from", "HEAD~1"}, {"to", "HEAD"}}).text, git({"diff", "HEAD~1", "HEAD"}));
  EXPECT_TRUE(call("git_commit", {{"message", "nothing"}}).is_error);
  // all: stages every change to tracked files first (git commit -a), never untracked ones.
  write("a.txt", "changed again\n");
  write("untracked.txt", "u\n");
  auto all = call("git_commit", {{"message", "third"}, {"all", true}});
  EXPECT_FALSE(all.is_error) << all.text;
  EXPECT_EQ(git({"show", "--format=", "--name-only", "HEAD"}), "a.txt\n");
  EXPECT_EQ(git({"status", "--porcelain"}), "?? untracked.txt\n");
  // Nothing staged: changes to tracked files are committed (commit -a); untracked files are
  // named, never taken in (they may be the user's, or secrets).
  write("a.txt", "and again\n");
  auto tracked = call("git_commit", {{"message", "fourth"}});
  EXPECT_FALSE(tracked.is_error) << tracked.text;
  EXPECT_NE(tracked.text.find("not committed, untracked: untracked.txt"), std::string::npos) << tracked.text;
  EXPECT_EQ(git({"show", "--format=", "--name-only", "HEAD"}), "a.txt\n");
  auto only_untracked = call("git_commit", {{"message", "nothing tracked changed"}});
  EXPECT_TRUE(only_untracked.is_error);
  EXPECT_NE(only_untracked.text.find("git_add them first): untracked.txt"), std::string::npos) << only_untracked.text;
}

TEST_F(GitTools, BranchCreateAndSwitchSafely) {
  auto out = call("git_branch", {{"name", "feature"}, {"create", true}});
  EXPECT_FALSE(out.is_error) << out.text;
  EXPECT_NE(out.text.find("switched to branch feature"), std::string::npos);
  EXPECT_EQ(git({"rev-parse", "--abbrev-ref", "HEAD"}), "feature\n");
  write("a.txt", "changed on feature\n");
  call("git_add", {{"paths", {"a.txt"}}});
  call("git_commit", {{"message", "feature work"}});
  write("a.txt", "uncommitted local change\n");
  out = call("git_branch", {{"name", "main"}});
  EXPECT_TRUE(out.is_error) << "switching must not overwrite local changes";
  std::ifstream kept(dir_ / "a.txt");
  EXPECT_EQ(std::string(std::istreambuf_iterator<char>(kept), {}), "uncommitted local change\n");
  EXPECT_TRUE(call("git_branch", {{"name", "feature"}, {"create", true}}).is_error) << "no force";
  EXPECT_TRUE(call("git_branch", {{"name", "bad..name"}, {"create", true}}).is_error);
  EXPECT_TRUE(call("git_branch", {{"name", "nope"}}).is_error);
}

TEST_F(GitTools, PathsAndRevisionsAreChecked) {
  EXPECT_TRUE(call("git_add", {{"paths", {"../outside"}}}).is_error);
  EXPECT_TRUE(call("git_add", {{"paths", "a.txt"}}).is_error);
  EXPECT_TRUE(call("git_show", {{"revision", "no-such-rev"}}).is_error);
  EXPECT_TRUE(call("git_diff", {{"to", "HEAD"}}).is_error);
  for (const char* name : {"git_status", "git_diff", "git_log", "git_show"}) EXPECT_FALSE(registry_.find(name)->is_mutating());
  for (const char* name : {"git_branch", "git_add", "git_commit"}) EXPECT_TRUE(registry_.find(name)->is_mutating());
}

TEST(GitToolsOutsideARepository, SayWhy) {
  testing::TempDir plain("sk-nogit-");
  auto ws = Workspace::open(plain.path());
  ASSERT_TRUE(ws.ok());
  ToolRegistry registry;
  ASSERT_TRUE(register_git_tools(registry, std::make_shared<Workspace>(std::move(ws).value())).ok());
  auto out = registry.dispatch(ToolInvocation{"git_status", nlohmann::json::object()});
  ASSERT_TRUE(out.ok());
  EXPECT_TRUE(out->is_error);
  EXPECT_NE(out->text.find("not inside a git repository"), std::string::npos);
}

}  // namespace
}  // namespace seek::tools
