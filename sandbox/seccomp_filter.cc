// seccomp filter built with libseccomp (see seccomp_filter.h). Default allow, explicit deny:
// the commands are arbitrary builds and tests, so an allow-list would break them; the
// deny-list covers the calls that cross the sandbox boundary.
#include "sandbox/seccomp_filter.h"

#include <seccomp.h>
#include <sched.h>
#include <sys/socket.h>
#include <sys/stat.h>

#include <cerrno>
#include <cstring>
#include <memory>

namespace seek::sandbox {
namespace {

struct ContextDeleter {
  void operator()(scmp_filter_ctx ctx) const { seccomp_release(ctx); }
};

constexpr std::uint64_t kNamespaceFlags = CLONE_NEWNS | CLONE_NEWUSER | CLONE_NEWPID | CLONE_NEWNET | CLONE_NEWIPC |
                                          CLONE_NEWUTS | CLONE_NEWCGROUP | 0x00000080 /* CLONE_NEWTIME */;

}  // namespace

const std::vector<std::string>& seccomp_denied_syscalls() {
  static const std::vector<std::string> names = {
      "ptrace", "process_vm_readv", "process_vm_writev", "kcmp", "pidfd_getfd",
      "mount", "umount2", "pivot_root", "chroot", "move_mount", "open_tree", "fsopen", "fsconfig", "fsmount",
      "fspick", "mount_setattr", "setns", "unshare",
      "kexec_load", "kexec_file_load", "init_module", "finit_module", "delete_module", "reboot",
      "swapon", "swapoff", "acct", "quotactl", "iopl", "ioperm", "settimeofday", "clock_settime", "adjtimex",
      "clock_adjtime", "sethostname", "setdomainname", "vhangup",
      "bpf", "perf_event_open", "userfaultfd", "fanotify_init", "lookup_dcookie", "open_by_handle_at",
      "name_to_handle_at", "keyctl", "add_key", "request_key",
      "io_uring_setup", "io_uring_enter", "io_uring_register",
  };
  return names;
}

Status install_seccomp(const SeccompRules& rules) {
  std::unique_ptr<void, ContextDeleter> ctx(seccomp_init(SCMP_ACT_ALLOW));
  if (!ctx) return make_error(ErrorCode::kUnavailable, "seccomp_init failed");
  const auto deny = [&](int syscall_number, unsigned count, const scmp_arg_cmp* args) -> Status {
    const int rc = seccomp_rule_add_array(ctx.get(), SCMP_ACT_ERRNO(EPERM), syscall_number, count, args);
    if (rc != 0) {
      return make_error(ErrorCode::kInternal, std::string("seccomp rule for ") +
                                                  (seccomp_syscall_resolve_num_arch(SCMP_ARCH_NATIVE, syscall_number) ?: "?") +
                                                  ": " + std::strerror(-rc));
    }
    return ok_status();
  };
  for (const std::string& name : seccomp_denied_syscalls()) {
    const int number = seccomp_syscall_resolve_name(name.c_str());
    if (number == __NR_SCMP_ERROR) continue;  // not on this architecture
    SEEK_RETURN_IF_ERROR(deny(number, 0, nullptr));
  }
  // New namespaces through clone(); clone3 passes flags in memory the filter cannot read, so
  // it is refused with ENOSYS and libc falls back to clone().
  for (std::uint64_t flag = 1; flag != 0; flag <<= 1) {
    if ((kNamespaceFlags & flag) == 0) continue;
    const scmp_arg_cmp has_flag = SCMP_A0(SCMP_CMP_MASKED_EQ, flag, flag);
    SEEK_RETURN_IF_ERROR(deny(SCMP_SYS(clone), 1, &has_flag));
  }
  if (seccomp_rule_add(ctx.get(), SCMP_ACT_ERRNO(ENOSYS), SCMP_SYS(clone3), 0) != 0) {
    return make_error(ErrorCode::kInternal, "seccomp rule for clone3 failed");
  }
  // Device nodes: mknod of character or block devices.
  for (int syscall_number : {SCMP_SYS(mknod), SCMP_SYS(mknodat)}) {
    const unsigned mode_arg = syscall_number == SCMP_SYS(mknod) ? 1 : 2;
    for (std::uint64_t type : {std::uint64_t{S_IFCHR}, std::uint64_t{S_IFBLK}}) {
      const scmp_arg_cmp is_device{mode_arg, SCMP_CMP_MASKED_EQ, S_IFMT, type};
      SEEK_RETURN_IF_ERROR(deny(syscall_number, 1, &is_device));
    }
  }
  if (!rules.network) {
    // socket() and socketpair() for anything but AF_UNIX.
    for (int syscall_number : {SCMP_SYS(socket), SCMP_SYS(socketpair)}) {
      const scmp_arg_cmp not_unix = SCMP_A0(SCMP_CMP_NE, AF_UNIX);
      SEEK_RETURN_IF_ERROR(deny(syscall_number, 1, &not_unix));
    }
  }
  const int rc = seccomp_load(ctx.get());
  if (rc != 0) return make_error(ErrorCode::kUnavailable, std::string("seccomp_load: ") + std::strerror(-rc));
  return ok_status();
}

}  // namespace seek::sandbox
