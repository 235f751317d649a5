// Runtime paths and the private runtime directory (see paths.h).
#include "daemon/paths.h"

#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstdlib>
#include <system_error>

#include <fmt/format.h>

#include "base/check.h"

namespace seek::daemon {

namespace fs = std::filesystem;

DaemonPaths default_daemon_paths() {
  const char* runtime = std::getenv("XDG_RUNTIME_DIR");
  fs::path dir = (runtime && *runtime == '/') ? fs::path(runtime) / "seek"
                                              : fs::path(fmt::format("/tmp/seek-{}", ::geteuid()));
  return DaemonPaths{.dir = dir, .socket = dir / "daemon.sock", .lock = dir / "daemon.lock", .log = dir / "daemon.log"};
}

Status ensure_private_dir(const fs::path& dir) {
  std::error_code ec;
  if (dir.has_parent_path()) fs::create_directories(dir.parent_path(), ec);  // parents: normal modes
  if (::mkdir(dir.c_str(), 0700) != 0 && errno != EEXIST) {
    return SEEK_ERRNO_ERROR(fmt::format("cannot create {}", dir.string()));
  }
  struct stat st{};
  SEEK_CHECK_ERRNO(::lstat(dir.c_str(), &st), fmt::format("cannot stat {}", dir.string()));
  SEEK_CHECK(S_ISDIR(st.st_mode), ErrorCode::kPermissionDenied, "{} is not a directory (a symlink or file is in the way)",
             dir.string());
  SEEK_CHECK(st.st_uid == ::geteuid(), ErrorCode::kPermissionDenied, "{} is owned by uid {}, not by us (uid {})",
             dir.string(), st.st_uid, ::geteuid());
  if ((st.st_mode & 07777) != 0700) {
    SEEK_CHECK_ERRNO(::chmod(dir.c_str(), 0700), fmt::format("cannot make {} private (chmod 0700)", dir.string()));
  }
  return ok_status();
}

Status check_socket_path(const fs::path& socket) {
  constexpr size_t kMax = sizeof(sockaddr_un{}.sun_path) - 1;
  SEEK_CHECK(socket.native().size() <= kMax, ErrorCode::kInvalidArgument,
             "socket path {} is {} bytes; Unix sockets allow at most {} (set a shorter XDG_RUNTIME_DIR)",
             socket.string(), socket.native().size(), kMax);
  return ok_status();
}

}  // namespace seek::daemon
