// `seek exec` (see commands.h): builds the policy from the flags and streams the
// command's output through.
#include "daemon/cli/commands.h"

#include <cstdio>

#include "sandbox/launcher.h"

namespace seek::daemon {

int run_exec(const ExecOptions& options) {
  sandbox::ExecRequest request;
  auto mode = sandbox::parse_sandbox_mode(options.sandbox);
  if (!mode.ok()) {
    std::fprintf(stderr, "seek exec: %s\n", mode.error().message.c_str());
    return 2;
  }
  request.policy.mode = *mode;
  request.policy.cwd = options.cwd;
  for (const auto& dir : options.writable) request.policy.writable_roots.emplace_back(dir);
  request.policy.network = options.network;
  if (options.timeout_ms) request.policy.timeout = std::chrono::milliseconds(*options.timeout_ms);
  request.argv = options.command;
  request.stdin_fd = 0;

  sandbox::OutputSinks sinks;
  sinks.on_stdout = [](std::string_view data) {
    std::fwrite(data.data(), 1, data.size(), stdout);
    std::fflush(stdout);
  };
  sinks.on_stderr = [](std::string_view data) {
    std::fwrite(data.data(), 1, data.size(), stderr);
    std::fflush(stderr);
  };
  auto outcome = sandbox::run_sandboxed(request, sinks);
  if (!outcome.ok()) {
    std::fprintf(stderr, "seek exec: refused: %s\n", outcome.error().message.c_str());
    return 125;
  }
  if (outcome->timed_out) {
    std::fprintf(stderr, "seek exec: timed out after %lld ms; the command and its children were killed\n",
                 static_cast<long long>(*options.timeout_ms));
  } else if (outcome->process_limit_hit) {
    std::fprintf(stderr, "seek exec: note: the command hit the process limit (%u)\n", request.policy.max_processes);
  }
  return outcome->exit_code;
}

}  // namespace seek::daemon
