// shell, build and test: commands through the sandbox, with project detection and parsed
// results (see command_tools.h).
#include "tools/command_tools.h"

#include <fmt/format.h>
#include <unistd.h>

#include <fstream>
#include <nlohmann/json.hpp>

#include "tools/args.h"

namespace seek::tools {
namespace {

namespace fs = std::filesystem;

struct CommandRun {
  int exit_code = 0;
  bool timed_out = false;
  std::string out, err;
};

Result<CommandRun> run_command(const Workspace& ws, const CommandToolsConfig& config, const std::string& script,
                               const fs::path& cwd, std::chrono::milliseconds timeout, std::size_t max_output) {
  sandbox::ExecRequest request;
  request.policy.mode = config.mode;
  request.policy.cwd = cwd;
  if (config.mode == sandbox::SandboxMode::kWorkspaceWrite && cwd != ws.root()) {
    request.policy.writable_roots = {ws.root()};
  }
  request.policy.network = config.network;
  request.policy.timeout = timeout;
  request.policy.max_output_bytes = max_output;
  request.argv = {"sh", "-c", script};
  request.stage2_program = config.stage2_program;
  CommandRun run;
  sandbox::OutputSinks sinks;
  sinks.on_stdout = [&](std::string_view data) { run.out += data; };
  sinks.on_stderr = [&](std::string_view data) { run.err += data; };
  auto outcome = sandbox::run_sandboxed(request, sinks);
  if (!outcome.ok()) return outcome.error();
  run.exit_code = outcome->exit_code;
  run.timed_out = outcome->timed_out;
  return run;
}

std::string tail_lines(std::string_view text, std::size_t count) {
  std::size_t pos = text.size();
  if (pos > 0 && text[pos - 1] == '\n') --pos;
  for (std::size_t n = 0; n < count && pos > 0; ++n) {
    pos = text.rfind('\n', pos - 1);
    if (pos == std::string_view::npos) return std::string(text);
  }
  return std::string(text.substr(pos == 0 ? 0 : pos + 1));
}

std::string exit_line(const CommandRun& run, std::chrono::milliseconds timeout) {
  if (run.timed_out) return fmt::format("timed out after {} s (killed)\n", timeout.count() / 1000);
  return fmt::format("exit code: {}\n", run.exit_code);
}

bool path_exists(const fs::path& p) {
  std::error_code ec;
  return fs::exists(p, ec);
}

bool has_npm_script(const fs::path& root, const char* script) {
  std::ifstream file(root / "package.json");
  auto json = nlohmann::json::parse(file, nullptr, false);
  return !json.is_discarded() && json.contains("scripts") && json["scripts"].contains(script);
}

unsigned jobs() { return std::max(1L, sysconf(_SC_NPROCESSORS_ONLN)); }

// The build command for the project at `root`, or "" when none is recognised.
std::pair<std::string, std::string> detect_build(const fs::path& root) {
  if (path_exists(root / "CMakeLists.txt")) {
    return {"cmake", fmt::format("cmake -S . -B build -DCMAKE_EXPORT_COMPILE_COMMANDS=ON && cmake --build build -j {}", jobs())};
  }
  if (path_exists(root / "Makefile") || path_exists(root / "makefile") || path_exists(root / "GNUmakefile")) {
    return {"make", fmt::format("make -j {}", jobs())};
  }
  if (path_exists(root / "Cargo.toml")) return {"cargo", "cargo build --offline"};
  if (path_exists(root / "go.mod")) return {"go", "go build ./..."};
  if (path_exists(root / "package.json") && has_npm_script(root, "build")) return {"npm", "npm run build"};
  if (path_exists(root / "pyproject.toml") || path_exists(root / "setup.py") || path_exists(root / "setup.cfg")) {
    return {"python", "python3 -m compileall -q -x '/(\\.|build|node_modules)' ."};
  }
  return {"", ""};
}

// pytest's own discovery rule at the top level: test_*.py or *_test.py.
bool has_pytest_files(const fs::path& root) {
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(root, ec)) {
    const std::string name = entry.path().filename().string();
    if (entry.path().extension() == ".py" && (name.starts_with("test_") || name.ends_with("_test.py"))) return true;
  }
  return false;
}

std::pair<std::string, std::string> detect_tests(const fs::path& root) {
  if (path_exists(root / "CMakeLists.txt")) return {"ctest", "ctest --test-dir build --output-on-failure"};
  if (path_exists(root / "pytest.ini") || path_exists(root / "conftest.py") || path_exists(root / "pyproject.toml") ||
      path_exists(root / "setup.py") || path_exists(root / "tests") || path_exists(root / "test") || has_pytest_files(root)) {
    if (!path_exists(root / "Cargo.toml") && !path_exists(root / "go.mod") && !path_exists(root / "package.json")) {
      // The pytest on PATH (Debian's python3-pytest gives /usr/bin/pytest), else the module.
      return {"pytest", "if command -v pytest >/dev/null; then pytest -q -rA -p no:cacheprovider; "
                        "else python3 -m pytest -q -rA -p no:cacheprovider; fi"};
    }
  }
  if (path_exists(root / "go.mod")) return {"go", "go test -v ./..."};
  if (path_exists(root / "Cargo.toml")) return {"cargo", "cargo test --offline"};
  if (path_exists(root / "package.json") && has_npm_script(root, "test")) return {"npm", "npm test"};
  return {"", ""};
}

class CommandTool : public ToolHandler {
 public:
  CommandTool(std::shared_ptr<const Workspace> ws, CommandToolsConfig config, OutputLimits limits)
      : ws_(std::move(ws)), config_(std::move(config)), limits_(limits) {}

 protected:
  std::shared_ptr<const Workspace> ws_;
  CommandToolsConfig config_;
  OutputLimits limits_;
};

class ShellTool : public CommandTool {
 public:
  using CommandTool::CommandTool;
  std::string name() const override { return "shell"; }
  nlohmann::json schema() const override {
    return {{"type", "object"},
            {"description",
             "Run a shell command (sh -c) in the sandbox: the workspace is writable, the network is off. A command "
             "that needs the network, or must run outside the sandbox, says so (network / with_escalated_permissions "
             "with a justification): the user is asked first."},
            {"properties",
             {{"command", {{"type", "string"}}},
              {"cwd", {{"type", "string"}, {"description", "Directory inside the workspace (default: its root)"}}},
              {"timeout_ms", {{"type", "integer"}, {"minimum", 1}}},
              {"network", {{"type", "boolean"}, {"description", "The command needs network access"}}},
              {"with_escalated_permissions", {{"type", "boolean"}, {"description", "Run outside the sandbox"}}},
              {"justification", {{"type", "string"}, {"description", "Why the extra access is needed (shown to the user)"}}}}},
            {"required", {"command"}},
            {"additionalProperties", false}};
  }
  Result<ToolOutput> handle(const ToolInvocation& call) override {
    Args args(name(), call.arguments);
    const std::string command = args.string("command");
    const auto cwd_arg = args.optional_string("cwd");
    const auto timeout_ms = args.optional_int("timeout_ms", 1, 24LL * 3600 * 1000);
    // Reached only once approved: the agent loop asks before any call that sets these.
    CommandToolsConfig config = config_;
    if (args.optional_bool("network", false)) config.network = true;
    if (args.optional_bool("with_escalated_permissions", false)) config.mode = sandbox::SandboxMode::kDangerFullAccess;
    (void)args.optional_string("justification");
    if (args.problem()) return args.error();
    fs::path cwd = ws_->root();
    if (cwd_arg) {
      auto resolved = ws_->resolve_read(*cwd_arg);
      if (!resolved.ok()) return tool_error(resolved.error().message);
      cwd = *resolved;
    }
    const auto timeout = timeout_ms ? std::chrono::milliseconds(*timeout_ms) : config_.shell_timeout;
    auto run = run_command(*ws_, config, command, cwd, timeout, limits_.max_bytes);
    if (!run.ok()) return tool_error("shell: the command was not run: " + run.error().message);
    std::string out = run->out;
    if (!run->err.empty()) out += (out.empty() || out.back() == '\n' ? "" : "\n") + std::string("[stderr]\n") + run->err;
    if (!out.empty() && out.back() != '\n') out += "\n";
    out += exit_line(*run, timeout);
    if (run->exit_code != 0 && out.find(".git") != std::string::npos && out.find("Read-only file system") != std::string::npos) {
      // The model tried git's own write path: say what works instead.
      out += "note: .git is read-only inside the sandbox; use the git_add and git_commit tools (git_commit takes all: "
             "true for 'commit -a')\n";
    }
    return ToolOutput{cap_output(out, limits_.max_bytes), run->exit_code != 0};
  }
};

class BuildTool : public CommandTool {
 public:
  using CommandTool::CommandTool;
  std::string name() const override { return "build"; }
  nlohmann::json schema() const override {
    return {{"type", "object"},
            {"description", "Build the project (CMake, Make, cargo, go, npm or python, detected) in the sandbox and "
                            "list compiler diagnostics as file:line:col: severity: message."},
            {"properties", nlohmann::json::object()},
            {"additionalProperties", false}};
  }
  Result<ToolOutput> handle(const ToolInvocation&) override {
    const auto [kind, command] = detect_build(ws_->root());
    if (kind.empty()) return tool_error("build: no CMakeLists.txt, Makefile, Cargo.toml, go.mod, package.json or python project found");
    auto run = run_command(*ws_, config_, command, ws_->root(), config_.build_timeout, limits_.max_bytes * 4);
    if (!run.ok()) return tool_error("build: the command was not run: " + run.error().message);
    const std::string all = run->out + run->err;
    auto diagnostics = parse_diagnostics(all);
    // Paths as the model knows them: relative to the workspace.
    const std::string prefix = ws_->root().string() + "/";
    for (auto& d : diagnostics) {
      if (d.file.rfind(prefix, 0) == 0) d.file.erase(0, prefix.size());
    }
    std::string out = fmt::format("$ {}\n{}", command, exit_line(*run, config_.build_timeout));
    std::size_t errors = 0, warnings = 0;
    for (const auto& d : diagnostics) (d.severity == "error" ? errors : d.severity == "warning" ? warnings : errors) += d.severity != "note";
    out += fmt::format("{} errors, {} warnings\n", errors, warnings);
    for (std::size_t i = 0; i < diagnostics.size() && i < limits_.max_results; ++i) {
      const auto& d = diagnostics[i];
      out += fmt::format("{}:{}:{}: {}: {}\n", d.file, d.line, d.column, d.severity, d.message);
    }
    if (run->exit_code != 0 || run->timed_out) out += "output (last 40 lines):\n" + tail_lines(all, 40);
    return ToolOutput{cap_output(out, limits_.max_bytes), run->exit_code != 0};
  }
};

class TestTool : public CommandTool {
 public:
  using CommandTool::CommandTool;
  std::string name() const override { return "test"; }
  nlohmann::json schema() const override {
    return {{"type", "object"},
            {"description", "Run the project's tests (ctest, pytest, go test, cargo test or npm test, detected) in the "
                            "sandbox; reports each test's result and the output of failures."},
            {"properties", nlohmann::json::object()},
            {"additionalProperties", false}};
  }
  Result<ToolOutput> handle(const ToolInvocation&) override {
    const auto [runner, command] = detect_tests(ws_->root());
    if (runner.empty()) return tool_error("test: no test setup found (CMake/ctest, pytest, go, cargo or npm)");
    std::string script = command;
    if (runner == "ctest") script = detect_build(ws_->root()).second + " >/dev/null 2>&1 || { " +
                                    detect_build(ws_->root()).second + "; exit 90; }; " + command;
    auto run = run_command(*ws_, config_, script, ws_->root(), config_.build_timeout, limits_.max_bytes * 4);
    if (!run.ok()) return tool_error("test: the command was not run: " + run.error().message);
    const std::string all = run->out + run->err;
    if (runner == "ctest" && run->exit_code == 90) {
      return ToolOutput{cap_output("test: the build failed, so no test ran:\n" + tail_lines(all, 60), limits_.max_bytes), true};
    }
    const auto results = parse_test_results(runner, all);
    std::size_t passed = 0, failed = 0;
    for (const auto& r : results) (r.passed ? passed : failed)++;
    std::string out = fmt::format("$ {}\n{}{} passed, {} failed\n", command, exit_line(*run, config_.build_timeout), passed, failed);
    for (const auto& r : results) {
      if (r.passed) continue;
      out += "FAILED " + r.name + "\n";
      if (!r.failure_output.empty()) out += cap_output(r.failure_output, 4000);
    }
    for (const auto& r : results) {
      if (r.passed) out += "PASSED " + r.name + "\n";
    }
    if (results.empty() || (run->exit_code != 0 && failed == 0)) out += "output (last 40 lines):\n" + tail_lines(all, 40);
    return ToolOutput{cap_output(out, limits_.max_bytes), run->exit_code != 0};
  }
};

}  // namespace

Status register_command_tools(ToolRegistry& registry, std::shared_ptr<const Workspace> workspace,
                              CommandToolsConfig config, OutputLimits limits) {
  SEEK_RETURN_IF_ERROR(registry.add(std::make_unique<ShellTool>(workspace, config, limits)));
  SEEK_RETURN_IF_ERROR(registry.add(std::make_unique<BuildTool>(workspace, config, limits)));
  SEEK_RETURN_IF_ERROR(registry.add(std::make_unique<TestTool>(workspace, config, limits)));
  return ok_status();
}

}  // namespace seek::tools
