// Run-time detection of sandbox mechanisms (see probe.h).
#include "sandbox/probe.h"

#include <fcntl.h>
#include <linux/seccomp.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fstream>
#include <sstream>
#include <vector>

#include "sandbox/landlock.h"

namespace seek::sandbox {
namespace {

namespace fs = std::filesystem;

// Runs `bwrap` on a trivial command with the namespaces we use; returns "" on success.
std::string try_bwrap(const fs::path& bwrap) {
  const pid_t pid = fork();
  if (pid < 0) return "fork failed";
  if (pid == 0) {
    const int null_fd = ::open("/dev/null", O_RDWR | O_CLOEXEC);
    if (null_fd >= 0) {
      dup2(null_fd, 0);
      dup2(null_fd, 1);
      dup2(null_fd, 2);
    }
    const std::string path = bwrap.string();
    execl(path.c_str(), path.c_str(), "--ro-bind", "/", "/", "--dev", "/dev", "--proc", "/proc", "--unshare-pid",
          "--unshare-net", "--unshare-ipc", "--unshare-uts", "--die-with-parent", "--cap-drop", "ALL", "--", "/bin/true",
          static_cast<char*>(nullptr));
    _exit(127);
  }
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  if (WIFEXITED(status) && WEXITSTATUS(status) == 0) return "";
  return "bubblewrap cannot create namespaces here (a test run of " + bwrap.string() + " failed)";
}

struct CgroupMount {
  fs::path mount_point;
  bool v2 = false;
};

// The hierarchy that carries `controller`, from /proc/self/mountinfo.
std::vector<CgroupMount> cgroup_mounts(const std::string& controller) {
  std::vector<CgroupMount> found;
  std::ifstream mountinfo("/proc/self/mountinfo");
  std::string line;
  while (std::getline(mountinfo, line)) {
    const auto dash = line.find(" - ");
    if (dash == std::string::npos) continue;
    std::istringstream left(line.substr(0, dash)), right(line.substr(dash + 3));
    std::string id, parent, devno, root, mount_point, fstype, source, super_options;
    left >> id >> parent >> devno >> root >> mount_point;
    right >> fstype >> source >> super_options;
    if (fstype == "cgroup2") {
      std::ifstream controllers(mount_point + "/cgroup.controllers");
      std::string word;
      while (controllers >> word) {
        if (word == controller) found.push_back({mount_point, true});
      }
    } else if (fstype == "cgroup") {
      std::istringstream options(super_options);
      std::string option;
      while (std::getline(options, option, ',')) {
        if (option == controller) found.push_back({mount_point, false});
      }
    }
  }
  return found;
}

// Our own cgroup path in a hierarchy ("0::/x" for v2, "N:pids:/x" for v1).
std::string own_cgroup(const std::string& controller, bool v2) {
  std::ifstream file("/proc/self/cgroup");
  std::string line;
  while (std::getline(file, line)) {
    const auto first = line.find(':');
    const auto second = line.find(':', first + 1);
    if (first == std::string::npos || second == std::string::npos) continue;
    const std::string controllers = line.substr(first + 1, second - first - 1);
    const std::string path = line.substr(second + 1);
    if (v2 && line.substr(0, first) == "0" && controllers.empty()) return path;
    if (!v2) {
      std::istringstream list(controllers);
      std::string c;
      while (std::getline(list, c, ',')) {
        if (c == controller) return path;
      }
    }
  }
  return "";
}

// A directory under which we can create a cgroup that uses `controller`, or empty.
fs::path usable_cgroup(const std::string& controller, bool& v2) {
  for (const CgroupMount& mount : cgroup_mounts(controller)) {
    const std::string own = own_cgroup(controller, mount.v2);
    fs::path base = mount.mount_point / fs::path(own).relative_path();
    if (access(base.c_str(), W_OK) != 0) continue;
    if (mount.v2) {
      // Children get the controller only if it is in our subtree_control.
      std::ifstream subtree(base / "cgroup.subtree_control");
      std::string word;
      bool enabled = false;
      while (subtree >> word) enabled |= word == controller;
      if (!enabled) continue;
    }
    v2 = mount.v2;
    return base;
  }
  return {};
}

}  // namespace

SandboxSupport probe_sandbox_support_uncached(const fs::path& bwrap_candidate) {
  SandboxSupport support;
  std::error_code ec;
  if (bwrap_candidate.empty() || !fs::exists(bwrap_candidate, ec)) {
    support.bwrap_problem = "bubblewrap (bwrap) is not installed (Debian package 'bubblewrap')";
  } else if (std::string problem = try_bwrap(bwrap_candidate); !problem.empty()) {
    support.bwrap_problem = problem;
  } else {
    support.bwrap = bwrap_candidate;
  }
  // PR_GET_SECCOMP answers -1/EINVAL on a kernel without seccomp.
  support.seccomp = prctl(PR_GET_SECCOMP, 0, 0, 0, 0) >= 0;
  support.landlock_abi = landlock_abi_version();
  support.pids_cgroup = usable_cgroup("pids", support.pids_cgroup_v2);
  support.memory_cgroup = usable_cgroup("memory", support.memory_cgroup_v2);
  return support;
}

const SandboxSupport& probe_sandbox_support() {
  static const SandboxSupport support = [] {
    for (const char* candidate : {"/usr/bin/bwrap", "/bin/bwrap", "/usr/local/bin/bwrap"}) {
      if (access(candidate, X_OK) == 0) return probe_sandbox_support_uncached(candidate);
    }
    return probe_sandbox_support_uncached({});
  }();
  return support;
}

}  // namespace seek::sandbox
