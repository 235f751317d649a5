// Tools that run commands, always through the sandbox: shell (one command line), build
// (detects CMake, Make, cargo, npm, go or python and parses compiler diagnostics into
// file:line:col: severity: message) and test (detects ctest, pytest, go test, cargo test or
// npm test and reports pass/fail per test with the failure output).
#pragma once

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "sandbox/launcher.h"
#include "tools/file_tools.h"

namespace seek::tools {

struct CommandToolsConfig {
  sandbox::SandboxMode mode = sandbox::SandboxMode::kWorkspaceWrite;
  bool network = false;
  std::chrono::milliseconds shell_timeout{120'000};
  std::chrono::milliseconds build_timeout{900'000};
  std::string stage2_program;  ///< the seek binary (empty: this process, which is seek)
};

/// A compiler or interpreter diagnostic.
struct Diagnostic {
  std::string file;
  int line = 0;
  int column = 0;
  std::string severity;  ///< error, warning, note
  std::string message;
  friend bool operator==(const Diagnostic&, const Diagnostic&) = default;
};

/// Diagnostics found in build output (GCC/Clang, rustc, Go, Python tracebacks, tsc).
std::vector<Diagnostic> parse_diagnostics(std::string_view output);

struct TestCaseResult {
  std::string name;
  bool passed = false;
  std::string failure_output;
};

/// Per-test results from a runner's output: "ctest", "pytest", "go", "cargo".
std::vector<TestCaseResult> parse_test_results(std::string_view runner, std::string_view output);

Status register_command_tools(ToolRegistry& registry, std::shared_ptr<const Workspace> workspace,
                              CommandToolsConfig config = {}, OutputLimits limits = {});

}  // namespace seek::tools
