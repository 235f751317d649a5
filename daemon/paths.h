// Where the daemon's runtime files live: $XDG_RUNTIME_DIR/seek/ (falling back to
// /tmp/seek-$UID/), holding daemon.sock, daemon.lock and daemon.log. The directory is 0700 and
// owned by us, so no other user can reach the socket or plant files in it.
#pragma once

#include <filesystem>

#include "base/result.h"

namespace seek::daemon {

struct DaemonPaths {
  std::filesystem::path dir;     ///< 0700, owned by the effective uid
  std::filesystem::path socket;  ///< dir/daemon.sock, 0600
  std::filesystem::path lock;    ///< dir/daemon.lock: flock'd by the running daemon, holds its pid
  std::filesystem::path log;     ///< dir/daemon.log: stdout/stderr of a background daemon
};

/// The paths for this user, from the environment. Does not touch the file system.
DaemonPaths default_daemon_paths();

/// Creates `dir` (and parents) if needed and makes sure it is a real directory (not a
/// symlink) owned by the effective uid with mode 0700, tightening the mode of our own
/// directory if it is looser. Anything else is a kPermissionDenied error naming the problem.
Status ensure_private_dir(const std::filesystem::path& dir);

/// Fails with kInvalidArgument when `socket` is too long for sockaddr_un (107 bytes).
Status check_socket_path(const std::filesystem::path& socket);

}  // namespace seek::daemon
