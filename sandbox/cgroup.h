// A cgroup per sandboxed command: pids.max contains fork bombs (the kernel does not apply
// RLIMIT_NPROC to uid 0, and we run as root), memory.max bounds memory, and killing every
// process in the cgroup reaches children that left the process group. cgroup v2 or v1.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <filesystem>
#include <optional>

#include "base/result.h"
#include "sandbox/probe.h"

namespace seek::sandbox {

class CommandCgroup {
 public:
  /// Creates the cgroup(s) with the limits. max_memory_bytes 0: no memory limit.
  static Result<CommandCgroup> create(const SandboxSupport& support, std::uint32_t max_processes,
                                      std::uint64_t max_memory_bytes);

  CommandCgroup(CommandCgroup&& other) noexcept;
  CommandCgroup& operator=(CommandCgroup&&) = delete;
  ~CommandCgroup();  // kills what is left and removes the directories

  /// Moves a process in (the child calls it on itself before exec, with pid 0 = self).
  Status add(pid_t pid) const;
  /// SIGKILLs every process in the cgroup until none is left (bounded wait).
  void kill_all() const;
  /// Whether the pids limit was hit (pids.events "max" > 0).
  bool hit_process_limit() const;

 private:
  CommandCgroup() = default;
  std::filesystem::path pids_dir_;
  std::filesystem::path memory_dir_;
  bool pids_v2_ = false;
};

}  // namespace seek::sandbox
