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
#include "base/fs.h"

namespace seek::daemon {

namespace fs = std::filesystem;

DaemonPaths default_daemon_paths() {
  const fs::path dir = runtime_dir();
  return DaemonPaths{.dir = dir, .socket = dir / "daemon.sock", .lsp_socket = dir / "lsp.sock", .lock = dir / "daemon.lock", .log = dir / "daemon.log"};
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

std::optional<engine::KvStoreSettings> kv_store_settings() {
  if (const char* off = std::getenv("SEEK_KV_CACHE"); off && std::string_view(off) == "0") return std::nullopt;
  auto cache = user_dir(UserDir::kCache);
  if (!cache.ok()) return std::nullopt;
  engine::KvStoreSettings settings{.dir = *cache / "kv"};
  if (const char* v = std::getenv("SEEK_KV_CACHE_BYTES"); v && *v) {
    char* end = nullptr;
    const unsigned long long n = std::strtoull(v, &end, 10);
    if (end && *end == '\0' && n > 0) settings.max_bytes = n;
  }
  return settings;
}

Result<std::string> self_executable() {
  std::error_code ec;
  auto path = std::filesystem::read_symlink("/proc/self/exe", ec);
  if (ec) return make_error(ErrorCode::kIo, "cannot resolve /proc/self/exe: " + ec.message());
  return path.string();
}

Status check_socket_path(const fs::path& socket) {
  constexpr size_t kMax = sizeof(sockaddr_un{}.sun_path) - 1;
  SEEK_CHECK(socket.native().size() <= kMax, ErrorCode::kInvalidArgument,
             "socket path {} is {} bytes; Unix sockets allow at most {} (set a shorter XDG_RUNTIME_DIR)",
             socket.string(), socket.native().size(), kMax);
  return ok_status();
}

}  // namespace seek::daemon
