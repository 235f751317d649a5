// The single-instance lock: the running daemon holds an flock on daemon.lock for its whole
// life and writes its pid there. The kernel drops the lock when the process dies (even by
// kill -9), so a stale socket is recognised by the lock being free.
#pragma once

#include <sys/types.h>

#include <filesystem>
#include <optional>

#include "base/result.h"

namespace seek::daemon {

class InstanceLock {
 public:
  /// Takes the lock without waiting. kAlreadyExists (message with the holder's pid) when
  /// another process holds it.
  static Result<InstanceLock> acquire(const std::filesystem::path& path);

  /// The pid written in the lock file by its holder, if it can be read.
  static std::optional<pid_t> holder_pid(const std::filesystem::path& path);

  /// True when some process holds the lock right now.
  static bool is_held(const std::filesystem::path& path);

  InstanceLock(InstanceLock&& other) noexcept : fd_(other.fd_) { other.fd_ = -1; }
  InstanceLock& operator=(InstanceLock&& other) noexcept;
  InstanceLock(const InstanceLock&) = delete;
  InstanceLock& operator=(const InstanceLock&) = delete;
  ~InstanceLock();

 private:
  explicit InstanceLock(int fd) : fd_(fd) {}
  int fd_ = -1;
};

}  // namespace seek::daemon
