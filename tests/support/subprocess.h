// Runs the real `seek` binary (or any program) as a child process for end-to-end tests:
// arguments, extra environment, captured stdout/stderr, exit code, and a timeout.
#pragma once

#include <chrono>
#include <map>
#include <string>
#include <vector>

namespace seek::testing {

struct ProcessResult {
  int exit_code = -1;     ///< the exit status, or 128+N when killed by signal N
  bool timed_out = false;
  std::string out;
  std::string err;
};

/// Runs `argv` with the current environment plus `env` (a value of "" unsets the variable),
/// feeding `input` to stdin, and waits up to `timeout` (then SIGKILLs it).
ProcessResult run_process(const std::vector<std::string>& argv, const std::map<std::string, std::string>& env = {},
                          std::chrono::milliseconds timeout = std::chrono::seconds(30),
                          const std::string& input = {});

/// Path of the seek binary under test (build/seek), set by CMake.
std::string seek_binary();

}  // namespace seek::testing
