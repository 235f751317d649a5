// `seek exec`: one command under the sandbox policy, with the exit-code contract of
// docs/sandbox.md (the command's code, 128+N on signal N, 124 timeout, 125 refused,
// 126/127 cannot execute / not found).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace seek::daemon {

struct ExecOptions {
  std::string sandbox;                  // read-only | workspace-write | danger-full-access
  std::string cwd;
  std::vector<std::string> writable;
  bool network = false;
  std::optional<std::int64_t> timeout_ms;
  std::vector<std::string> command;
};

/// Runs the command; returns the process exit code.
int run_exec(const ExecOptions& options);

}  // namespace seek::daemon
