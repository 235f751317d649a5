// Where the daemon's files live: the runtime folder $XDG_RUNTIME_DIR/seek/ (falling back to
// /tmp/seek-$UID/), holding daemon.sock, lsp.sock, daemon.lock and daemon.log, which is 0700
// and owned by us, so no other user can reach the sockets or plant files in it; and the KV
// store's folder, which the daemon hands to the engines it loads.
#pragma once

#include <filesystem>
#include <optional>

#include "base/result.h"
#include "engine/kv/kv_store_settings.h"

namespace seek::daemon {

struct DaemonPaths {
  std::filesystem::path dir;     ///< 0700, owned by the effective uid
  std::filesystem::path socket;  ///< dir/daemon.sock, 0600
  std::filesystem::path lsp_socket;  ///< dir/lsp.sock, 0600: the same server, where `seek lsp` bridges
  std::filesystem::path lock;    ///< dir/daemon.lock: flock'd by the running daemon, holds its pid
  std::filesystem::path log;     ///< dir/daemon.log: stdout/stderr of a background daemon
};

/// The paths for this user, from the environment. Does not touch the file system.
DaemonPaths default_daemon_paths();

/// Creates `dir` (and parents) if needed and makes sure it is a real directory (not a
/// symlink) owned by the effective uid with mode 0700, tightening the mode of our own
/// directory if it is looser. Anything else is a kPermissionDenied error naming the problem.
Status ensure_private_dir(const std::filesystem::path& dir);

/// The persistent KV store's folder and budget: $XDG_CACHE_HOME/seek/kv (else
/// ~/.cache/seek/kv) within $SEEK_KV_CACHE_BYTES (else 8 GiB); nullopt when SEEK_KV_CACHE=0 or
/// there is no cache folder. The daemon hands this to the engines it loads.
std::optional<engine::KvStoreSettings> kv_store_settings();

/// The path of the running executable (/proc/self/exe), for re-executing seek as a helper
/// and finding the files installed beside it.
Result<std::string> self_executable();

/// Fails with kInvalidArgument when `socket` is too long for sockaddr_un (107 bytes).
Status check_socket_path(const std::filesystem::path& socket);

}  // namespace seek::daemon
