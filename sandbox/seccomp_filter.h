// The seccomp filter installed in every sandboxed child (after namespaces, before Landlock):
// it refuses with EPERM the system calls a build or test never needs and that reach past the
// sandbox (ptrace and process_vm_*, mount and friends, namespace creation, kexec, modules,
// bpf, keyrings, perf_event_open, device-node creation, io_uring, ...). With the network off
// it also refuses every socket family but AF_UNIX, so even 127.0.0.1 is unreachable.
#pragma once

#include <string>
#include <vector>

#include "base/result.h"

namespace seek::sandbox {

struct SeccompRules {
  bool network = false;  ///< false: socket() only for AF_UNIX
};

/// The names of the system calls the filter refuses outright (for tests and docs).
const std::vector<std::string>& seccomp_denied_syscalls();

/// Installs the filter on the calling thread. Needs no_new_privs (or CAP_SYS_ADMIN).
Status install_seccomp(const SeccompRules& rules);

}  // namespace seek::sandbox
