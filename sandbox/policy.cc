// SandboxPolicy parsing and validation.
#include "sandbox/policy.h"

#include <string>

namespace seek::sandbox {

Result<SandboxMode> parse_sandbox_mode(std::string_view text) {
  if (text == "read-only") return SandboxMode::kReadOnly;
  if (text == "workspace-write") return SandboxMode::kWorkspaceWrite;
  if (text == "danger-full-access") return SandboxMode::kDangerFullAccess;
  return make_error(ErrorCode::kInvalidArgument, "unknown sandbox mode '" + std::string(text) +
                                                     "' (expected read-only, workspace-write or danger-full-access)");
}

std::string_view to_string(SandboxMode mode) {
  switch (mode) {
    case SandboxMode::kReadOnly: return "read-only";
    case SandboxMode::kWorkspaceWrite: return "workspace-write";
    case SandboxMode::kDangerFullAccess: return "danger-full-access";
  }
  return "unknown";
}

Status validate(const SandboxPolicy& policy) {
  if (policy.mode == SandboxMode::kReadOnly && !policy.writable_roots.empty()) {
    return make_error(ErrorCode::kInvalidArgument, "--writable cannot be used with --sandbox read-only");
  }
  if (policy.cwd.empty()) return make_error(ErrorCode::kInvalidArgument, "the sandbox needs a working directory");
  for (const auto& root : policy.writable_roots) {
    if (!root.is_absolute()) {
      return make_error(ErrorCode::kInvalidArgument, "writable root must be an absolute path: " + root.string());
    }
  }
  if (policy.max_processes == 0) return make_error(ErrorCode::kInvalidArgument, "max_processes must be at least 1");
  return ok_status();
}

}  // namespace seek::sandbox
