// The daemon's JSON-RPC method table: method name -> handler, plus the daemon's own methods
// (seek/status, seek/shutdown). No Asio here: handlers see the daemon through DaemonState,
// and the connection code turns handler results into JSON-RPC replies.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "base/result.h"

namespace seek::daemon {

using nlohmann::json;

/// What a handler may know about, and do to, the running daemon.
struct DaemonState {
  int64_t pid = 0;
  std::chrono::steady_clock::time_point started_at;
  std::string socket_path;
  std::function<size_t()> client_count;    ///< connections open now, the caller's included
  std::function<void()> request_shutdown;  ///< graceful stop after the current reply is sent
};

/// The connection a call arrived on.
struct CallContext {
  uint64_t connection_id = 0;
};

/// A handler returns the result JSON, or an Error that becomes a JSON-RPC error reply
/// (kInvalidArgument -> -32602 InvalidParams, kInternal -> -32603, others -> -32803).
using MethodHandler = std::function<Result<json>(const json& params, const CallContext& ctx)>;

class MethodTable {
 public:
  void add(std::string name, MethodHandler handler);
  /// The handler for `method`, or nullptr.
  const MethodHandler* find(std::string_view method) const;

 private:
  std::map<std::string, MethodHandler, std::less<>> handlers_;
};

/// seek/status -> {pid, uptime_s, version, clients, socket} (clients excludes the caller);
/// seek/shutdown -> {} and a graceful stop.
void add_daemon_methods(MethodTable& table, const DaemonState& state);

/// JSON-RPC error code for an Error returned by a handler.
int rpc_error_code(const Error& error);

}  // namespace seek::daemon
