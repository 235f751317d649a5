// Reaching the daemon's LSP socket from a CLI process (`seek lsp`, `seek chat`): start the
// daemon when none runs (keeping stdout clean) and connect, retrying while it comes up.
#pragma once

#include <cstddef>
#include <string>

#include "base/result.h"
#include "daemon/paths.h"

namespace seek::daemon {

/// Starts the daemon in the background unless one answers; `model` is its --model.
bool ensure_daemon(const DaemonPaths& paths, const std::string& model);
/// A connected fd to lsp.sock (retried for ~5 s while the daemon starts).
Result<int> connect_lsp_socket(const DaemonPaths& paths);
/// write(2) until done; false on an error.
bool write_all(int fd, const char* data, std::size_t n);

}  // namespace seek::daemon
