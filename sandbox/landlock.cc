// Landlock ruleset construction through the raw system calls (see landlock.h).
#include "sandbox/landlock.h"

#include <fcntl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <cstring>

namespace seek::sandbox {
namespace {

// Stable kernel ABI (include/uapi/linux/landlock.h); values never change once released.
constexpr std::uint64_t kExecute = 1ULL << 0, kWriteFile = 1ULL << 1, kReadFile = 1ULL << 2, kReadDir = 1ULL << 3,
                        kRemoveDir = 1ULL << 4, kRemoveFile = 1ULL << 5, kMakeChar = 1ULL << 6, kMakeDir = 1ULL << 7,
                        kMakeReg = 1ULL << 8, kMakeSock = 1ULL << 9, kMakeFifo = 1ULL << 10, kMakeBlock = 1ULL << 11,
                        kMakeSym = 1ULL << 12, kRefer = 1ULL << 13, kTruncate = 1ULL << 14, kIoctlDev = 1ULL << 15;
constexpr std::uint64_t kNetBindTcp = 1ULL << 0, kNetConnectTcp = 1ULL << 1;
constexpr std::uint64_t kScopeSignal = 1ULL << 1;
constexpr int kRulePathBeneath = 1;
constexpr unsigned kCreateRulesetVersion = 1U << 0;

struct RulesetAttr {
  std::uint64_t handled_access_fs;
  std::uint64_t handled_access_net;  // ABI >= 4
  std::uint64_t scoped;              // ABI >= 6
};

struct __attribute__((packed)) PathBeneathAttr {
  std::uint64_t allowed_access;
  std::int32_t parent_fd;
};

long create_ruleset(const RulesetAttr* attr, std::size_t size, unsigned flags) {
  return syscall(SYS_landlock_create_ruleset, attr, size, flags);
}

// Every file-system right this ABI knows.
std::uint64_t fs_rights(int abi) {
  std::uint64_t rights = kExecute | kWriteFile | kReadFile | kReadDir | kRemoveDir | kRemoveFile | kMakeChar |
                         kMakeDir | kMakeReg | kMakeSock | kMakeFifo | kMakeBlock | kMakeSym;
  if (abi >= 2) rights |= kRefer;
  if (abi >= 3) rights |= kTruncate;
  if (abi >= 5) rights |= kIoctlDev;
  return rights;
}

Status add_path(int ruleset, const std::string& path, std::uint64_t access) {
  const int fd = ::open(path.c_str(), O_PATH | O_CLOEXEC);
  if (fd < 0) {
    return make_error(ErrorCode::kNotFound, "landlock: cannot open " + path + ": " + std::strerror(errno));
  }
  PathBeneathAttr attr{access, fd};
  const long rc = syscall(SYS_landlock_add_rule, ruleset, kRulePathBeneath, &attr, 0);
  const int err = errno;
  ::close(fd);
  if (rc != 0) return make_error(ErrorCode::kIo, "landlock: cannot add a rule for " + path + ": " + std::strerror(err));
  return ok_status();
}

}  // namespace

int landlock_abi_version() {
  const long abi = create_ruleset(nullptr, 0, kCreateRulesetVersion);
  return abi < 0 ? 0 : static_cast<int>(abi);
}

Status apply_landlock(const LandlockRules& rules) {
  const int abi = landlock_abi_version();
  if (abi < 1) return make_error(ErrorCode::kUnsupported, "Landlock is not available in this kernel");
  const std::uint64_t all_fs = fs_rights(abi);
  RulesetAttr attr{all_fs, 0, 0};
  std::size_t attr_size = sizeof(std::uint64_t);
  if (abi >= 4) {
    attr.handled_access_net = rules.deny_tcp ? (kNetBindTcp | kNetConnectTcp) : 0;
    attr_size = 2 * sizeof(std::uint64_t);
  }
  if (abi >= 6) {
    attr.scoped = rules.scope_signals ? kScopeSignal : 0;
    attr_size = sizeof(RulesetAttr);
  }
  const long ruleset = create_ruleset(&attr, attr_size, 0);
  if (ruleset < 0) return make_error(ErrorCode::kIo, std::string("landlock_create_ruleset: ") + std::strerror(errno));
  const int fd = static_cast<int>(ruleset);
  const std::uint64_t read = kExecute | kReadFile | kReadDir;
  const std::uint64_t file_write = kWriteFile | kReadFile | (abi >= 3 ? kTruncate : 0) | (abi >= 5 ? kIoctlDev : 0);
  Status status = ok_status();
  for (const auto& path : rules.read_roots) {
    if (status.ok()) status = add_path(fd, path, read);
  }
  for (const auto& path : rules.write_roots) {
    if (status.ok()) status = add_path(fd, path, all_fs);
  }
  for (const auto& path : rules.write_files) {
    if (status.ok()) status = add_path(fd, path, file_write);
  }
  if (status.ok() && syscall(SYS_landlock_restrict_self, fd, 0) != 0) {
    status = make_error(ErrorCode::kIo, std::string("landlock_restrict_self: ") + std::strerror(errno));
  }
  ::close(fd);
  return status;
}

}  // namespace seek::sandbox
