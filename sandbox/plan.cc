// Policy -> rules (see plan.h).
#include "sandbox/plan.h"

#include <unistd.h>

#include <filesystem>

namespace seek::sandbox {
namespace {

namespace fs = std::filesystem;

Result<std::string> real_directory(const fs::path& path, const char* what) {
  std::error_code ec;
  fs::path real = fs::canonical(path, ec);
  if (ec) return make_error(ErrorCode::kNotFound, std::string(what) + " " + path.string() + ": " + ec.message());
  if (!fs::is_directory(real, ec)) {
    return make_error(ErrorCode::kInvalidArgument, std::string(what) + " " + path.string() + " is not a directory");
  }
  return real.string();
}

bool beneath(const std::string& path, const std::string& root) {
  return path == root || (path.size() > root.size() && path.compare(0, root.size(), root) == 0 &&
                          (root == "/" || path[root.size()] == '/'));
}

}  // namespace

Result<ResolvedPaths> resolve_paths(const SandboxPolicy& policy) {
  SEEK_RETURN_IF_ERROR(validate(policy));
  ResolvedPaths paths;
  SEEK_ASSIGN_OR_RETURN(paths.cwd, real_directory(policy.cwd, "--cwd"));
  if (policy.mode == SandboxMode::kWorkspaceWrite) {
    if (paths.cwd == "/") return make_error(ErrorCode::kInvalidArgument, "--cwd / would make everything writable");
    paths.writable.push_back(paths.cwd);
    for (const auto& root : policy.writable_roots) {
      SEEK_ASSIGN_OR_RETURN(std::string real, real_directory(root, "--writable"));
      if (real == "/") return make_error(ErrorCode::kInvalidArgument, "--writable / would make everything writable");
      paths.writable.push_back(std::move(real));
    }
  }
  // .git and .seek stay read-only inside writable roots: a hook or a config there would run
  // or loosen policy outside the sandbox later. A symlinked .git protects its target too.
  for (const std::string& root : paths.writable) {
    for (const char* name : {".git", ".seek"}) {
      const fs::path candidate = fs::path(root) / name;
      std::error_code ec;
      if (!fs::exists(fs::symlink_status(candidate, ec)) || ec) continue;
      paths.protected_paths.push_back(candidate.string());
      fs::path target = fs::canonical(candidate, ec);
      if (!ec && target != candidate) paths.protected_paths.push_back(target.string());
    }
  }
  for (const char* dir : {"/tmp", "/var/tmp", "/dev/shm"}) {
    std::error_code ec;
    if (fs::is_directory(dir, ec)) paths.hidden_temp_dirs.emplace_back(dir);
  }
  {
    std::error_code ec;
    paths.has_run = fs::is_directory("/run", ec);
  }
  for (const char* file : {"/dev/null", "/dev/zero", "/dev/full", "/dev/random", "/dev/urandom", "/dev/tty"}) {
    if (access(file, F_OK) == 0) paths.device_files.emplace_back(file);
  }
  return paths;
}

Result<SandboxPlan> plan_sandbox(const SandboxPolicy& policy, const SandboxSupport& support,
                                 const ResolvedPaths& paths) {
  if (policy.mode == SandboxMode::kDangerFullAccess) {
    return make_error(ErrorCode::kInvalidArgument, "danger-full-access runs without a sandbox plan");
  }
  std::vector<std::string> missing;
  if (support.bwrap.empty()) missing.push_back("namespaces: " + support.bwrap_problem);
  if (!support.seccomp) missing.push_back("seccomp: this kernel has no seccomp filter support");
  if (support.landlock_abi < 1) missing.push_back("Landlock: not enabled in this kernel");
  if (support.pids_cgroup.empty()) missing.push_back("process limit: no writable cgroup with the pids controller");
  if (policy.max_memory_bytes > 0 && support.memory_cgroup.empty()) {
    missing.push_back("memory limit: no writable cgroup with the memory controller");
  }
  if (!missing.empty()) {
    std::string message = "the sandbox cannot be applied, so the command was not run. Missing:";
    for (const auto& m : missing) message += "\n  - " + m;
    return make_error(ErrorCode::kUnavailable, message);
  }

  SandboxPlan plan;
  auto& args = plan.bwrap_args;
  // The whole file system read-only, then fresh /dev and /proc with /proc/sys read-only.
  args = {"--ro-bind", "/", "/", "--dev", "/dev", "--proc", "/proc", "--ro-bind", "/proc/sys", "/proc/sys",
          "--ro-bind-try", "/proc/sysrq-trigger", "/proc/sysrq-trigger"};
  // Shared temp dirs are replaced by private empty ones (TMPDIR is /tmp, the private one).
  for (const std::string& dir : paths.hidden_temp_dirs) args.insert(args.end(), {"--tmpfs", dir});
  // /run holds the sockets of host services (the seek daemon's own under $XDG_RUNTIME_DIR,
  // docker, dbus): a Unix socket on a read-only mount can still be connected to, so hide it.
  // With the network on, name resolution under /run comes back read-only.
  if (paths.has_run) {
    args.insert(args.end(), {"--tmpfs", "/run"});
    if (policy.network) args.insert(args.end(), {"--ro-bind-try", "/run/systemd/resolve", "/run/systemd/resolve"});
  }
  // Writable roots (re-exposed even when they live under a hidden temp dir), then the cwd
  // read-only if it is not writable, then the protected paths read-only on top.
  for (const std::string& root : paths.writable) args.insert(args.end(), {"--bind", root, root});
  bool cwd_writable = false;
  for (const std::string& root : paths.writable) cwd_writable |= beneath(paths.cwd, root);
  if (!cwd_writable) args.insert(args.end(), {"--ro-bind", paths.cwd, paths.cwd});
  for (const std::string& path : paths.protected_paths) args.insert(args.end(), {"--ro-bind", path, path});
  args.insert(args.end(), {"--unshare-pid", "--unshare-ipc", "--unshare-uts", "--unshare-cgroup-try"});
  if (!policy.network) args.emplace_back("--unshare-net");
  args.insert(args.end(), {"--die-with-parent", "--new-session", "--cap-drop", "ALL", "--hostname", "seek-sandbox",
                           "--chdir", paths.cwd, "--setenv", "TMPDIR", "/tmp"});

  plan.landlock.read_roots = {"/"};
  plan.landlock.write_roots = paths.writable;
  for (const std::string& dir : paths.hidden_temp_dirs) plan.landlock.write_roots.push_back(dir);
  plan.landlock.write_files = paths.device_files;
  plan.landlock.deny_tcp = !policy.network;
  plan.seccomp.network = policy.network;
  return plan;
}

}  // namespace seek::sandbox
