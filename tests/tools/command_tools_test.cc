// shell, build and test through the real sandbox on real small projects (CMake + ctest, a
// Python project with pytest), golden checks of what the model sees, and the diagnostic and
// test-output parsers on captured outputs of each toolchain.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "sandbox/probe.h"
#include "tests/support/subprocess.h"
#include "tests/support/temp_dir.h"
#include "tools/command_tools.h"

namespace seek::tools {
namespace {

namespace fs = std::filesystem;

TEST(Diagnostics, ParsesEachToolchain) {
  const std::string output =
      "src/main.cc:3:5: error: 'foo' was not declared in this scope\n"
      "src/main.cc:7:1: warning: unused variable 'x' [-Wunused-variable]\n"
      "src/a.h:2:10: fatal error: missing.h: No such file or directory\n"
      "error[E0308]: mismatched types\n  --> src/lib.rs:4:18\n"
      "./pkg/x.go:12:2: undefined: y\n"
      "  File \"app/m.py\", line 9\n    print(\nSyntaxError: '(' was never closed\n"
      "web/a.ts(3,7): error TS2322: Type 'string' is not assignable to type 'number'.\n"
      "make: *** [all] Error 1\n";
  const auto d = parse_diagnostics(output);
  ASSERT_EQ(d.size(), 7u);
  EXPECT_EQ(d[0], (Diagnostic{"src/main.cc", 3, 5, "error", "'foo' was not declared in this scope"}));
  EXPECT_EQ(d[1].severity, "warning");
  EXPECT_EQ(d[2], (Diagnostic{"src/a.h", 2, 10, "error", "missing.h: No such file or directory"}));
  EXPECT_EQ(d[3], (Diagnostic{"src/lib.rs", 4, 18, "error", "mismatched types"}));
  EXPECT_EQ(d[4], (Diagnostic{"./pkg/x.go", 12, 2, "error", "undefined: y"}));
  EXPECT_EQ(d[5], (Diagnostic{"app/m.py", 9, 0, "error", "SyntaxError: '(' was never closed"}));
  EXPECT_EQ(d[6], (Diagnostic{"web/a.ts", 3, 7, "error", "Type 'string' is not assignable to type 'number'."}));
}

TEST(TestResults, ParsesEachRunner) {
  auto go = parse_test_results("go", "=== RUN   TestA\n--- PASS: TestA (0.00s)\n--- FAIL: TestB (0.01s)\nFAIL\n");
  ASSERT_EQ(go.size(), 2u);
  EXPECT_TRUE(go[0].passed);
  EXPECT_EQ(go[1].name, "TestB");
  EXPECT_FALSE(go[1].passed);
  auto cargo = parse_test_results("cargo", "test tests::ok ... ok\ntest tests::bad ... FAILED\ntest x ... ignored\n");
  ASSERT_EQ(cargo.size(), 3u);
  EXPECT_FALSE(cargo[1].passed);
}

class CommandTools : public ::testing::Test {
 protected:
  void SetUp() override {
    const auto& support = sandbox::probe_sandbox_support();
    if (support.bwrap.empty() || !support.seccomp || support.landlock_abi < 1 || support.pids_cgroup.empty()) {
      GTEST_SKIP() << "the kernel lacks a sandbox mechanism (tests/sandbox/exec_test.cc checks the refusal)";
    }
  }
  void open(const fs::path& root) {
    auto ws = Workspace::open(root);
    ASSERT_TRUE(ws.ok());
    CommandToolsConfig config;
    config.stage2_program = testing::seek_binary();
    ASSERT_TRUE(register_command_tools(registry_, std::make_shared<Workspace>(std::move(ws).value()), config).ok());
  }
  ToolOutput call(const std::string& tool, const nlohmann::json& arguments = nlohmann::json::object()) {
    auto out = registry_.dispatch(ToolInvocation{tool, arguments});
    EXPECT_TRUE(out.ok()) << (out.ok() ? "" : out.error().message);
    return out.ok() ? *out : ToolOutput{};
  }
  static void write(const fs::path& path, const std::string& text) {
    fs::create_directories(path.parent_path());
    std::ofstream(path) << text;
  }
  testing::TempDir dir_{"sk-cmd-"};
  ToolRegistry registry_;
};

TEST_F(CommandTools, ShellRunsSandboxed) {
  open(dir_.path());
  auto out = call("shell", {{"command", "echo hi; echo oops >&2; exit 3"}});
  EXPECT_TRUE(out.is_error);
  EXPECT_EQ(out.text, "hi\n[stderr]\noops\nexit code: 3\n");
  out = call("shell", {{"command", "echo made > f.txt && cat f.txt && echo x > /etc/seek-shell-test"}});
  EXPECT_NE(out.text.find("made\n"), std::string::npos);
  EXPECT_NE(out.text.find("Read-only file system"), std::string::npos) << out.text;
  EXPECT_FALSE(fs::exists("/etc/seek-shell-test"));
  out = call("shell", {{"command", "sleep 5"}, {"timeout_ms", 200}});
  EXPECT_EQ(out.text, "timed out after 0 s (killed)\n");
  EXPECT_TRUE(call("shell", {{"command", "true"}, {"cwd", "../.."}}).is_error);
  // git's own write path fails on the read-only .git; the output says what to use instead.
  std::filesystem::create_directories(dir_ / ".git");
  out = call("shell", {{"command", "touch .git/index.lock"}});
  EXPECT_TRUE(out.is_error);
  EXPECT_NE(out.text.find("use the git_add and git_commit tools"), std::string::npos) << out.text;
}

// The escalation arguments (the agent loop asks before any call that sets them): network
// access gives the command the host's network namespace, with_escalated_permissions runs it
// outside the sandbox, where a path outside the workspace is writable.
TEST_F(CommandTools, ShellEscalationsWidenOnlyWhatTheyName) {
  open(dir_.path());
  testing::TempDir outside{"sk-out-"};
  const std::string target = (outside / "f.txt").string();
  auto out = call("shell", {{"command", "echo x > " + target}, {"network", true}, {"justification", "fetch"}});
  EXPECT_TRUE(out.is_error) << "network access alone does not open the file system: " << out.text;
  EXPECT_FALSE(fs::exists(target));
  // /proc/net/dev lists the interfaces of the command's network namespace.
  const auto interfaces = [&](bool network) {
    return call("shell", {{"command", "grep -c : /proc/net/dev"}, {"network", network}}).text;
  };
  EXPECT_EQ(interfaces(false), "1\nexit code: 0\n") << "only lo without the network";
  std::ifstream dev("/proc/net/dev");
  int host_interfaces = 0;
  for (std::string line; std::getline(dev, line);) host_interfaces += line.find(':') != std::string::npos;
  EXPECT_EQ(interfaces(true), std::to_string(host_interfaces) + "\nexit code: 0\n") << "the host's network with it";
  out = call("shell", {{"command", "echo x > " + target}, {"with_escalated_permissions", true}, {"justification", "outside"}});
  EXPECT_FALSE(out.is_error) << out.text;
  EXPECT_TRUE(fs::exists(target));
  EXPECT_TRUE(call("shell", {{"command", "true"}, {"network", "yes"}}).is_error) << "a bad type is the model's error";
}

TEST_F(CommandTools, CMakeProjectBuildsAndTestsReportPerTest) {
  write(dir_ / "CMakeLists.txt",
        "cmake_minimum_required(VERSION 3.16)\nproject(demo CXX)\nenable_testing()\n"
        "add_executable(check check.cc)\nadd_test(NAME passes COMMAND check 0)\nadd_test(NAME fails COMMAND check 1)\n");
  write(dir_ / "check.cc",
        "#include <cstdio>\n#include <cstdlib>\nint main(int, char** argv) {\n"
        "  if (std::atoi(argv[1])) { std::puts(\"expected 2, got 3\"); return 1; }\n  return 0;\n}\n");
  open(dir_.path());
  auto build = call("build");
  EXPECT_FALSE(build.is_error) << build.text;
  EXPECT_NE(build.text.find("exit code: 0\n0 errors, 0 warnings\n"), std::string::npos) << build.text;

  auto test = call("test");
  EXPECT_TRUE(test.is_error);
  EXPECT_NE(test.text.find("exit code: 8\n1 passed, 1 failed\nFAILED fails\n"), std::string::npos) << test.text;
  EXPECT_NE(test.text.find("expected 2, got 3"), std::string::npos) << test.text;
  EXPECT_NE(test.text.find("PASSED passes\n"), std::string::npos) << test.text;

  // A compile error comes back as a diagnostic.
  write(dir_ / "check.cc", "int main() { return undefined_name; }\n");
  build = call("build");
  EXPECT_TRUE(build.is_error);
  EXPECT_NE(build.text.find("1 errors, 0 warnings\n"), std::string::npos) << build.text;
  // Relative to the workspace; the quotes around the name follow the compiler's locale.
  EXPECT_NE(build.text.find("\ncheck.cc:1:21: error: "), std::string::npos) << build.text;
  EXPECT_NE(build.text.find("undefined_name"), std::string::npos) << build.text;
}

TEST_F(CommandTools, PytestProjectReportsPerTest) {
  if (testing::run_process({"sh", "-c", "command -v pytest || python3 -m pytest --version"}).exit_code != 0) {
    GTEST_SKIP() << "pytest is not installed (Debian python3-pytest; scripts/setup.sh installs it)";
  }
  write(dir_ / "pytest.ini", "[pytest]\n");
  write(dir_ / "calc.py", "def add(a, b):\n    return a + b\n");
  write(dir_ / "tests/test_calc.py",
        "from calc import add\n\ndef test_add():\n    assert add(1, 2) == 3\n\n"
        "def test_broken():\n    assert add(2, 2) == 5\n");
  write(dir_ / "conftest.py", "import sys, os\nsys.path.insert(0, os.path.dirname(__file__))\n");
  open(dir_.path());
  auto test = call("test");
  EXPECT_TRUE(test.is_error);
  EXPECT_NE(test.text.find("1 passed, 1 failed\nFAILED tests/test_calc.py::test_broken\n"), std::string::npos) << test.text;
  EXPECT_NE(test.text.find("assert 4 == 5"), std::string::npos) << test.text;
  EXPECT_NE(test.text.find("PASSED tests/test_calc.py::test_add\n"), std::string::npos) << test.text;
}

TEST_F(CommandTools, NothingToBuildIsSaidPlainly) {
  open(dir_.path());
  auto out = call("build");
  EXPECT_TRUE(out.is_error);
  EXPECT_NE(out.text.find("no CMakeLists.txt"), std::string::npos);
  EXPECT_TRUE(registry_.find("shell")->is_mutating());
}

}  // namespace
}  // namespace seek::tools
