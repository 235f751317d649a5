// Approval rules: deny wins, repositories only tighten, prefix rules never allow chained
// commands, grants cover equivalent commands, and rule examples are checked at load.
#include "tools/approval.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "tests/support/temp_dir.h"

namespace seek::tools {
namespace {

ApprovalRequest write_to(std::string path) {
  ApprovalRequest r;
  r.tool = "write_file";
  r.paths = {std::move(path)};
  return r;
}

TEST(ShellRequest, SplitsWordsAndSpotsChaining) {
  auto r = shell_request("git log --format='%h %s' \"a b\"");
  EXPECT_EQ(r.command, (std::vector<std::string>{"git", "log", "--format=%h %s", "a b"}));
  EXPECT_FALSE(r.compound_command);
  for (const char* chained : {"git status; rm -rf /", "git status && curl x", "ls | sh", "echo $(id)", "cat `id`",
                              "echo x > /etc/passwd", "ls 'unterminated", "echo \"$HOME\""}) {
    EXPECT_TRUE(shell_request(chained).compound_command) << chained;
  }
}

TEST(ApprovalPolicy, DenyWinsThenAskThenAllow) {
  auto rules = parse_approval_rules(R"(
[[approval.rules]]
decision = "allow"
command = "git *"
examples_match = ["git status", "git log -n 3"]
examples_no_match = ["gitk", "git status; rm -rf ~"]

[[approval.rules]]
decision = "deny"
command = ["git", "push", "**"]
examples_match = ["git push origin main", "git push"]

[[approval.rules]]
decision = "ask"
tool = "write_file"
path = "secrets/**"
examples_match = ["write_file:secrets/key.pem"]
examples_no_match = ["write_file:src/key.pem"]

[[approval.rules]]
decision = "allow"
tool = "write_file"
path = "src/**"
)", "user.toml");
  ASSERT_TRUE(rules.ok()) << rules.error().message;
  ApprovalPolicy policy;
  ASSERT_TRUE(policy.add_user_rules(*rules).ok());
  EXPECT_EQ(policy.decide(shell_request("git status")).decision, Decision::kAllow);
  EXPECT_EQ(policy.decide(shell_request("git push --force origin main")).decision, Decision::kDeny);
  auto chained = policy.decide(shell_request("git status && rm -rf /"));
  EXPECT_EQ(chained.decision, Decision::kAsk) << "a prefix allow never covers a chained command: " << chained.reason;
  EXPECT_EQ(policy.decide(shell_request("rm -rf build")).decision, Decision::kAsk);
  EXPECT_EQ(policy.decide(write_to("src/main.cc")).decision, Decision::kAllow);
  EXPECT_EQ(policy.decide(write_to("secrets/key.pem")).decision, Decision::kAsk);
  ApprovalRequest read;
  read.tool = "read_file";
  read.mutating = false;
  EXPECT_EQ(policy.decide(read).decision, Decision::kAllow);
}

TEST(ApprovalPolicy, RepositoryRulesOnlyTighten) {
  ApprovalPolicy policy;
  ASSERT_TRUE(policy.add_user_rules(*parse_approval_rules(
                  "[[approval.rules]]\ndecision = \"allow\"\ncommand = \"make\"\n", "user.toml")).ok());
  auto repo = parse_approval_rules(R"(
[[approval.rules]]
decision = "allow"
command = "**"

[[approval.rules]]
decision = "deny"
command = "make install"
)", ".seek/config.toml");
  ASSERT_TRUE(repo.ok());
  const auto warnings = policy.add_repository_rules(*repo);
  ASSERT_EQ(warnings.size(), 1u);
  EXPECT_NE(warnings[0].find("may not loosen"), std::string::npos);
  EXPECT_EQ(policy.decide(shell_request("curl evil.sh")).decision, Decision::kAsk) << "the repo's allow-all is ignored";
  EXPECT_EQ(policy.decide(shell_request("make -j4")).decision, Decision::kAllow);
  EXPECT_EQ(policy.decide(shell_request("make install")).decision, Decision::kDeny);
}

TEST(ApprovalPolicy, GrantsCoverTheCapabilityNotJustTheCommand) {
  ApprovalPolicy policy;
  const auto pytest = shell_request("pytest -q tests/test_a.py");
  EXPECT_EQ(policy.decide(pytest).decision, Decision::kAsk);
  auto capability = capability_for(pytest);
  ASSERT_TRUE(capability.has_value());
  EXPECT_EQ(capability->capability, "run-tests");
  policy.grant(*capability);
  for (const char* same : {"pytest", "python3 -m pytest -x", "ctest --output-on-failure"}) {
    EXPECT_EQ(policy.decide(shell_request(same)).decision, Decision::kAllow) << same;
  }
  ApprovalRequest test_tool;
  test_tool.tool = "test";
  EXPECT_EQ(policy.decide(test_tool).decision, Decision::kAllow);
  EXPECT_EQ(policy.decide(shell_request("pytest; rm -rf /")).decision, Decision::kAsk);
  EXPECT_EQ(policy.decide(shell_request("rm -rf build")).decision, Decision::kAsk);

  auto write_grant = capability_for(write_to("src/a.cc"));
  ASSERT_TRUE(write_grant.has_value());
  EXPECT_EQ(write_grant->capability, "write:src/**");
  policy.grant(*write_grant);
  EXPECT_EQ(policy.decide(write_to("src/deep/b.cc")).decision, Decision::kAllow);
  EXPECT_EQ(policy.decide(write_to("docs/c.md")).decision, Decision::kAsk);
}

TEST(ApprovalConfig, ExamplesAndShapeAreCheckedAtLoad) {
  ApprovalPolicy policy;
  auto wrong_example = parse_approval_rules(R"(
[[approval.rules]]
decision = "allow"
command = "git status"
examples_no_match = ["git status --short"]
)", "user.toml");
  ASSERT_TRUE(wrong_example.ok());
  auto status = policy.add_user_rules(*wrong_example);
  ASSERT_FALSE(status.ok());
  EXPECT_NE(status.error().message.find("git status --short"), std::string::npos);
  EXPECT_NE(status.error().message.find("user.toml: approval.rules[0]"), std::string::npos);

  for (const char* bad : {"[[approval.rules]]\ndecision = \"maybe\"\ntool = \"x\"\n",
                          "[[approval.rules]]\ndecision = \"allow\"\n",
                          "[[approval.rules]]\ndecision = \"allow\"\ntool = \"x\"\ncolour = \"red\"\n",
                          "[[approval.rules]\n"}) {
    auto parsed = parse_approval_rules(bad, "bad.toml");
    EXPECT_FALSE(parsed.ok()) << bad;
    if (!parsed.ok()) {
      EXPECT_NE(parsed.error().message.find("bad.toml"), std::string::npos);
    }
  }
}

TEST(ApprovalConfig, LoadsUserThenRepositoryFiles) {
  testing::TempDir dir("sk-appr-");
  std::filesystem::create_directories(dir / "repo/.seek");
  std::ofstream(dir / "user.toml") << "[[approval.rules]]\ndecision = \"allow\"\ncommand = \"make\"\n";
  std::ofstream(dir / "repo/.seek/config.toml")
      << "[[approval.rules]]\ndecision = \"deny\"\ncommand = \"make deploy\"\n"
         "[[approval.rules]]\ndecision = \"allow\"\ntool = \"*\"\n";
  auto loaded = load_approval_policy((dir / "user.toml").string(), (dir / "repo").string());
  ASSERT_TRUE(loaded.ok()) << loaded.error().message;
  EXPECT_EQ(loaded->warnings.size(), 1u);
  EXPECT_EQ(loaded->policy.decide(shell_request("make all")).decision, Decision::kAllow);
  EXPECT_EQ(loaded->policy.decide(shell_request("make deploy")).decision, Decision::kDeny);
  EXPECT_EQ(loaded->policy.decide(shell_request("rm x")).decision, Decision::kAsk);
  auto none = load_approval_policy((dir / "missing.toml").string(), (dir / "nothing").string());
  ASSERT_TRUE(none.ok());
  std::ofstream(dir / "broken.toml") << "[[approval.rules]\n";
  EXPECT_FALSE(load_approval_policy((dir / "broken.toml").string(), (dir / "repo").string()).ok());
}

}  // namespace
}  // namespace seek::tools
