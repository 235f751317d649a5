// Hooks with real commands: a pre_tool hook that exits 2 blocks the call with its stderr
// as the reason and sees the call as JSON on stdin; other exits and timeouts never block;
// `tools` globs pick the calls; a post_tool hook's exit 2 becomes feedback. Plus the
// [[hooks]] parser's errors.
#include "agent/hooks.h"

#include <gtest/gtest.h>

#include <chrono>
#include <fstream>
#include <sstream>

#include "tests/support/temp_dir.h"

namespace seek::agent {
namespace {

using Json = nlohmann::json;

tools::HookSpec hook(const std::string& event, const std::string& command, std::vector<std::string> tools = {},
                     int timeout_ms = 10'000) {
  tools::HookSpec h;
  h.event = event;
  h.command = command;
  h.tools = std::move(tools);
  h.timeout = std::chrono::milliseconds(timeout_ms);
  h.source = "test hook";
  return h;
}

std::string slurp(const std::filesystem::path& p) {
  std::ifstream in(p);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

TEST(Hooks, PreToolExit2BlocksWithItsStderrAndSeesTheCall) {
  testing::TempDir repo;
  HookRunner runner({hook("pre_tool", "cat > seen.json; if grep -q secret seen.json; then echo 'no secrets, please' >&2; exit 2; fi",
                          {"write_*"}),
                     hook("pre_tool", "exit 1"),                 // a broken hook: reported, never blocks
                     hook("pre_tool", "sleep 5", {}, 200)},      // a slow hook: killed, never blocks
                    repo.path());
  const auto start = std::chrono::steady_clock::now();
  EXPECT_EQ(runner.before("write_file", {{"path", "secret.txt"}}), "no secrets, please\n");
  const Json seen = Json::parse(slurp(repo / "seen.json"));
  EXPECT_EQ(seen["event"], "pre_tool");
  EXPECT_EQ(seen["tool"], "write_file");
  EXPECT_EQ(seen["arguments"]["path"], "secret.txt");
  EXPECT_EQ(seen["repo"], repo.path().string());
  EXPECT_EQ(runner.before("write_file", {{"path", "notes.txt"}}), std::nullopt);
  std::filesystem::remove(repo / "seen.json");
  EXPECT_EQ(runner.before("read_file", {{"path", "secret.txt"}}), std::nullopt) << "the glob picks write_* only";
  EXPECT_FALSE(std::filesystem::exists(repo / "seen.json"));
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(4)) << "timeouts hold";
  // A big call reaches the hook whole (stdin is not a pipe that could fill up first).
  HookRunner counter({hook("pre_tool", "wc -c > size.txt")}, repo.path());
  EXPECT_EQ(counter.before("apply_patch", {{"patch", std::string(300'000, 'x')}}), std::nullopt);
  EXPECT_GT(std::stoul(slurp(repo / "size.txt")), 300'000u);
}

TEST(Hooks, PostToolExit2IsFeedbackForTheModel) {
  testing::TempDir repo;
  HookRunner runner({hook("post_tool", "cat > after.json; echo 'lint: line 3 is too long' >&2; exit 2", {"edit"}),
                     hook("post_tool", "echo fine >&2; exit 0")},
                    repo.path());
  EXPECT_EQ(runner.after("edit", {{"path", "a.py"}}, "edited a.py", false), "lint: line 3 is too long\n");
  const Json seen = Json::parse(slurp(repo / "after.json"));
  EXPECT_EQ(seen["output"], "edited a.py");
  EXPECT_EQ(seen["is_error"], false);
  EXPECT_EQ(runner.after("shell", {{"command", "ls"}}, "a.py", false), std::nullopt);
}

TEST(Hooks, ParserNamesWhatIsWrong) {
  auto ok = tools::parse_hooks(R"([[hooks]]
event = "pre_tool"
tools = ["shell", "apply_*"]
command = "scripts/check.sh"
timeout_ms = 3000
)",
                               "config.toml");
  ASSERT_TRUE(ok.ok()) << ok.error().message;
  ASSERT_EQ(ok->size(), 1u);
  EXPECT_EQ((*ok)[0].tools, (std::vector<std::string>{"shell", "apply_*"}));
  EXPECT_EQ((*ok)[0].timeout, std::chrono::milliseconds(3000));
  for (const char* bad : {"[[hooks]]\nevent = \"later\"\ncommand = \"x\"\n", "[[hooks]]\nevent = \"pre_tool\"\n",
                          "[[hooks]]\nevent = \"pre_tool\"\ncommand = \"x\"\ncolour = 1\n",
                          "[[hooks]]\nevent = \"pre_tool\"\ncommand = \"x\"\ntimeout_ms = 0\n",
                          "[[hooks]]\nevent = \"pre_tool\"\ncommand = \"x\"\ntools = \"shell\"\n", "hooks = [1]\n"}) {
    auto r = tools::parse_hooks(bad, "config.toml");
    ASSERT_FALSE(r.ok()) << bad;
    EXPECT_NE(r.error().message.find("config.toml"), std::string::npos) << r.error().message;
  }
  auto none = tools::parse_hooks("[remote]\napi_key = \"k\"\n", "config.toml");
  ASSERT_TRUE(none.ok());
  EXPECT_TRUE(none->empty());
}

}  // namespace
}  // namespace seek::agent
