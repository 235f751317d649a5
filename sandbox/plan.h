// From a SandboxPolicy to concrete rules: the bubblewrap arguments (namespaces and mounts),
// the Landlock rules and the seccomp options that the child applies. plan_sandbox() is a pure
// function of the policy, the probed support and the resolved paths, so every rule is unit
// tested without running anything. Paths are resolved (realpath) first by resolve_paths().
#pragma once

#include <string>
#include <vector>

#include "base/result.h"
#include "sandbox/landlock.h"
#include "sandbox/policy.h"
#include "sandbox/probe.h"
#include "sandbox/seccomp_filter.h"

namespace seek::sandbox {

struct ResolvedPaths {
  std::string cwd;                           ///< realpath of policy.cwd
  std::vector<std::string> writable;         ///< realpaths; cwd first in workspace-write
  std::vector<std::string> protected_paths;  ///< existing .git/.seek beneath writable roots (and their targets)
  std::vector<std::string> hidden_temp_dirs; ///< shared temp dirs that exist here (/tmp, /var/tmp, /dev/shm)
  std::vector<std::string> device_files;     ///< /dev/null & co. that the child may write
  bool has_run = false;                      ///< /run exists (hidden: host service sockets)
};

/// Resolves and checks the policy's paths: they must exist and be directories; symlinks are
/// followed, so a writable root can never be a link that points somewhere unexpected.
Result<ResolvedPaths> resolve_paths(const SandboxPolicy& policy);

struct SandboxPlan {
  std::vector<std::string> bwrap_args;  ///< after the bwrap program, up to (not incl.) "--"
  LandlockRules landlock;
  SeccompRules seccomp;
};

/// The rules for a confined mode. Fails closed: kUnavailable naming every mechanism the
/// policy needs that `support` lacks. Not for danger-full-access (which needs no plan).
Result<SandboxPlan> plan_sandbox(const SandboxPolicy& policy, const SandboxSupport& support,
                                 const ResolvedPaths& paths);

}  // namespace seek::sandbox
