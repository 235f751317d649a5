// Reaching the daemon's LSP socket from a CLI process (`seek lsp`, `seek chat`): start the
// daemon when none runs (keeping stdout clean) and connect, retrying while it comes up.
#pragma once

#include <cstddef>
#include <string>

#include "base/result.h"
#include "daemon/paths.h"

namespace seek::daemon {

/// The model flags a daemon is started with (`seek daemon start`'s).
struct DaemonModel {
  std::string backend = "local";  ///< local | openai
  std::string base_url;
  std::string model;  ///< local: a checkpoint directory (empty: the default); openai: a name
};

/// Starts the daemon in the background unless one answers (a running daemon keeps the
/// model it has).
bool ensure_daemon(const DaemonPaths& paths, const DaemonModel& model);
/// A connected fd to lsp.sock (retried for ~5 s while the daemon starts).
Result<int> connect_lsp_socket(const DaemonPaths& paths);
/// write(2) until done; false on an error.
bool write_all(int fd, const char* data, std::size_t n);

}  // namespace seek::daemon
