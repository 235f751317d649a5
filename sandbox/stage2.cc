// Stage 2 of the launcher (see launcher.h): runs inside bubblewrap's namespaces, installs
// seccomp then Landlock, closes inherited descriptors and execs the command. It reports on
// the status pipe: "S" when it starts, "E<errno> <message>" when something fails, nothing
// more on success (the pipe is close-on-exec).
#include <fcntl.h>
#include <linux/close_range.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <nlohmann/json.hpp>
#include <string>

#include "sandbox/landlock.h"
#include "sandbox/launcher.h"
#include "sandbox/seccomp_filter.h"

namespace seek::sandbox {
namespace {

void report(int fd, const std::string& text) {
  if (fd >= 0) (void)!::write(fd, text.data(), text.size());
}

int refuse(int fd, const std::string& message) {
  std::string text = "E0 ";  // built in steps: GCC 12 warns falsely on "literal" + string here
  text += message;
  report(fd, text);
  std::fprintf(stderr, "seek: sandbox: %s\n", message.c_str());
  return 125;
}

}  // namespace

int run_stage2(int argc, char** argv) {
  // argv: seek __sandbox-stage2 STATUS_FD CONFIG -- CMD...
  if (argc < 6 || std::strcmp(argv[4], "--") != 0) {
    std::fprintf(stderr, "seek: __sandbox-stage2 is internal to seek exec\n");
    return 125;
  }
  const int status_fd = std::atoi(argv[2]);
  report(status_fd, "S");
  const auto config = nlohmann::json::parse(argv[3], nullptr, /*allow_exceptions=*/false);
  if (config.is_discarded()) return refuse(status_fd, "bad stage-2 configuration");

  if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) return refuse(status_fd, "cannot set no_new_privs");
  SeccompRules seccomp;
  seccomp.network = config.value("network", false);
  if (Status s = install_seccomp(seccomp); !s.ok()) return refuse(status_fd, s.error().message);
  LandlockRules landlock;
  landlock.read_roots = config.value("read_roots", std::vector<std::string>{});
  landlock.write_roots = config.value("write_roots", std::vector<std::string>{});
  landlock.write_files = config.value("write_files", std::vector<std::string>{});
  landlock.deny_tcp = !seccomp.network;
  if (Status s = apply_landlock(landlock); !s.ok()) return refuse(status_fd, s.error().message);

  // Nothing but stdin/stdout/stderr reaches the command; the status pipe closes on exec.
  if (status_fd > 3) syscall(SYS_close_range, 3, status_fd - 1, 0);
  syscall(SYS_close_range, status_fd + 1, ~0U, 0);
  fcntl(status_fd, F_SETFD, FD_CLOEXEC);
  execvp(argv[5], argv + 5);
  const int err = errno;
  std::string text = "E";
  text += std::to_string(err);
  text += " cannot execute";
  report(status_fd, text);
  std::fprintf(stderr, "seek: cannot execute '%s': %s\n", argv[5], std::strerror(err));
  return err == ENOENT ? 127 : 126;
}

}  // namespace seek::sandbox
