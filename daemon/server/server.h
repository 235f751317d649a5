// The daemon process: single-instance lock, the listeners on daemon.sock and lsp.sock (one
// server, one client cap, one method table per connection), the connection registry and
// graceful shutdown, on one Boost.Asio io_context with C++20 coroutines. This header is
// Asio-free so the CLI does not pay for Asio's templates.
#pragma once

#include <chrono>
#include <cstddef>
#include <string>

#include "base/result.h"
#include "daemon/backend_choice.h"
#include "daemon/paths.h"
#include "lsp/framing.h"

namespace seek::daemon {

struct ServerOptions {
  DaemonPaths paths;
  lsp::FrameLimits frame_limits;                      ///< message size cap per frame
  std::chrono::milliseconds frame_timeout{30'000};    ///< a started frame must complete within this
  std::chrono::milliseconds write_timeout{30'000};    ///< a reply must be taken by the peer within this
  std::size_t max_clients = 256;                      ///< on both sockets together; further connections are refused
  BackendFlags model;  ///< what inline completion serves (local: empty model = $SEEK_MODEL, else the default)
};

/// Runs the daemon in this process until seek/shutdown, SIGTERM or SIGINT. kAlreadyExists when
/// another daemon holds the lock. A stale socket (its daemon died) is replaced.
Status run_daemon(const ServerOptions& options);

}  // namespace seek::daemon
