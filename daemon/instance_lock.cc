// InstanceLock: flock(LOCK_EX|LOCK_NB) on daemon.lock plus the holder's pid in the file.
#include "daemon/instance_lock.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <string>

#include <fmt/format.h>

#include "base/check.h"

namespace seek::daemon {

Result<InstanceLock> InstanceLock::acquire(const std::filesystem::path& path) {
  const int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
  if (fd < 0) return SEEK_ERRNO_ERROR(fmt::format("cannot open lock file {}", path.string()));
  InstanceLock lock(fd);
  // `seek daemon stop` probes with a momentary shared lock (is_held); retry briefly so such a
  // probe is never mistaken for a running daemon.
  int rc = -1;
  for (int attempt = 0; attempt < 10; ++attempt) {
    rc = ::flock(fd, LOCK_EX | LOCK_NB);
    if (rc == 0 || errno != EWOULDBLOCK) break;
    ::usleep(10'000);
  }
  if (rc != 0) {
    const int err = errno;
    if (err == EWOULDBLOCK) {
      const auto pid = holder_pid(path);
      return make_error(ErrorCode::kAlreadyExists,
                        pid ? fmt::format("a seek daemon is already running (pid {})", *pid)
                            : std::string("a seek daemon is already running"));
    }
    return errno_error(fmt::format("cannot lock {}", path.string()), err, __FILE__, __LINE__);
  }
  // Record our pid for `status`/`stop` and for the "already running" message.
  const std::string pid = fmt::format("{}\n", ::getpid());
  SEEK_CHECK_ERRNO(::ftruncate(fd, 0), "cannot truncate lock file");
  SEEK_CHECK_ERRNO(::pwrite(fd, pid.data(), pid.size(), 0), "cannot write lock file");
  return lock;
}

std::optional<pid_t> InstanceLock::holder_pid(const std::filesystem::path& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
  if (fd < 0) return std::nullopt;
  char buf[32] = {};
  const ssize_t n = ::read(fd, buf, sizeof buf - 1);
  ::close(fd);
  if (n <= 0) return std::nullopt;
  const long pid = std::strtol(buf, nullptr, 10);
  if (pid <= 0) return std::nullopt;
  return static_cast<pid_t>(pid);
}

bool InstanceLock::is_held(const std::filesystem::path& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
  if (fd < 0) return false;
  // A shared lock is compatible only with other shared locks, so it fails while the daemon
  // holds its exclusive one. Probe and release at once.
  const bool held = ::flock(fd, LOCK_SH | LOCK_NB) != 0 && errno == EWOULDBLOCK;
  ::close(fd);
  return held;
}

InstanceLock& InstanceLock::operator=(InstanceLock&& other) noexcept {
  if (this != &other) {
    if (fd_ >= 0) ::close(fd_);
    fd_ = other.fd_;
    other.fd_ = -1;
  }
  return *this;
}

InstanceLock::~InstanceLock() {
  if (fd_ >= 0) ::close(fd_);  // closing the last descriptor releases the flock
}

}  // namespace seek::daemon
