// The sandbox policy as data: what a command run for the agent may touch. Turning a policy
// into kernel rules (namespaces, seccomp, Landlock) is a pure function of this struct, so the
// rules can be unit-tested without applying anything. The launcher comes with the sandbox issue.
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string_view>
#include <vector>

#include "base/result.h"

namespace seek::sandbox {

/// How much of the file system a command may write.
enum class SandboxMode {
  kReadOnly,          ///< only its private TMPDIR is writable
  kWorkspaceWrite,    ///< the working directory, each writable root and TMPDIR
  kDangerFullAccess,  ///< no sandbox at all (explicit opt-in)
};

/// Parses the command-line spelling: read-only, workspace-write, danger-full-access.
Result<SandboxMode> parse_sandbox_mode(std::string_view text);

/// The command-line spelling of a mode.
std::string_view to_string(SandboxMode mode);

/// Everything the launcher needs to confine one command.
struct SandboxPolicy {
  SandboxMode mode = SandboxMode::kWorkspaceWrite;
  std::filesystem::path cwd;                          ///< where the command starts
  std::vector<std::filesystem::path> writable_roots;  ///< extra roots (workspace-write only)
  bool network = false;                               ///< false: no non-Unix sockets at all
  std::optional<std::chrono::milliseconds> timeout;   ///< none: no wall-clock limit
  uint64_t max_memory_bytes = 0;                      ///< 0: no limit
  uint32_t max_processes = 512;                       ///< contains fork bombs
  uint64_t max_output_bytes = 16u << 20;              ///< per stream; the rest is truncated
};

/// Checks a policy for contradictions (e.g. writable roots in read-only mode), naming them.
Status validate(const SandboxPolicy& policy);

}  // namespace seek::sandbox
