// Runs one command under a SandboxPolicy and reports how it ended.
//
// The parent (this process) creates a per-command cgroup, pipes for stdout/stderr and a
// status pipe, and forks. The child sets no_new_privs, joins the cgroup and execs bubblewrap
// (namespaces, read-only mounts, private /tmp, capabilities dropped), which execs seek's own
// stage 2 (`seek __sandbox-stage2`, run_stage2 below) inside the namespaces; stage 2 installs
// the seccomp filter, then Landlock, closes every fd beyond 0-2 and execs the command. So the
// order is no_new_privs -> namespaces -> seccomp -> Landlock -> exec. Output is forwarded as
// it arrives, capped per stream with a marker; on timeout the whole cgroup and process group
// are killed. danger-full-access skips the confinement but keeps limits and timeouts.
#pragma once

#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "sandbox/policy.h"

namespace seek::sandbox {

struct ExecRequest {
  SandboxPolicy policy;
  std::vector<std::string> argv;  ///< argv[0] is looked up on PATH
  int stdin_fd = -1;              ///< -1: /dev/null
  std::string stage2_program;     ///< the seek binary; empty: /proc/self/exe
};

struct OutputSinks {
  std::function<void(std::string_view)> on_stdout;
  std::function<void(std::string_view)> on_stderr;
};

struct ExecOutcome {
  int exit_code = 0;          ///< as the contract says: the code, 128+signal, 124 timeout, 126/127
  bool timed_out = false;
  std::optional<int> signal;  ///< set when the command was killed by a signal
  bool stdout_truncated = false;
  bool stderr_truncated = false;
  bool process_limit_hit = false;
};

/// Runs the command. An Error means it was refused and not run (the caller exits 125): a
/// missing mechanism, a bad path, or a sandbox that failed to come up.
Result<ExecOutcome> run_sandboxed(const ExecRequest& request, const OutputSinks& sinks);

/// Entry point of `seek __sandbox-stage2 STATUS_FD CONFIG_JSON -- CMD ARGS...`, inside the
/// namespaces. Never returns on success (it execs the command).
int run_stage2(int argc, char** argv);

/// The truncation marker appended to a stream that reached its cap.
std::string truncation_marker(std::uint64_t cap);

}  // namespace seek::sandbox
