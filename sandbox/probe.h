// What this kernel and machine let the sandbox use, found at run time (users' kernels and
// containers differ): bubblewrap, seccomp filters, the Landlock ABI, and a cgroup hierarchy
// with the pids controller for process limits. Probed once per process.
#pragma once

#include <filesystem>
#include <string>

namespace seek::sandbox {

struct SandboxSupport {
  std::filesystem::path bwrap;  ///< empty when bubblewrap is missing or cannot create namespaces
  std::string bwrap_problem;    ///< why bwrap is unusable, for the refusal message
  bool seccomp = false;         ///< seccomp filters (SECCOMP_MODE_FILTER) can be installed
  int landlock_abi = 0;         ///< 0: Landlock unavailable
  std::filesystem::path pids_cgroup;    ///< a cgroup directory we may create children in (pids controller)
  bool pids_cgroup_v2 = false;          ///< that hierarchy is cgroup v2 (else v1)
  std::filesystem::path memory_cgroup;  ///< same for the memory controller; empty if unavailable
  bool memory_cgroup_v2 = false;
};

/// Probes once and caches. Thread-safe.
const SandboxSupport& probe_sandbox_support();

/// Probes now (tests use it with a custom bwrap path).
SandboxSupport probe_sandbox_support_uncached(const std::filesystem::path& bwrap_candidate);

}  // namespace seek::sandbox
