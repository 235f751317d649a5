// The daemon's own JSON-RPC methods, bound into every connection's method table on both
// sockets and usable before `initialize`:
//   seek/status   -> {pid, uptime_s, version, clients, socket} (clients: every other
//                    connection, on either socket) merged over the connection's own LSP
//                    status (backend, index, documents, completion counters, ...);
//   seek/shutdown -> {} and a graceful stop once the reply is written.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <string>

#include <nlohmann/json.hpp>

#include "lsp/method_table.h"

namespace seek::daemon {

/// What the daemon's methods may know about, and do to, the running daemon. The functions
/// are called on connection threads: they must be thread-safe.
struct DaemonState {
  std::int64_t pid = 0;
  std::chrono::steady_clock::time_point started_at;
  std::string socket_path;
  std::function<std::size_t()> client_count;  ///< connections open now, the caller's included
  std::function<void()> request_shutdown;     ///< a graceful stop (replies already queued are written)
};

/// Binds seek/status and seek/shutdown; `session_status` gives the connection's LSP fields.
void bind_daemon_methods(lsp::MethodTable& table, const DaemonState& state, std::function<nlohmann::json()> session_status);

}  // namespace seek::daemon
