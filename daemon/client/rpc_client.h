// The one JSON-RPC client of the daemon's sockets, for every CLI command that talks to it
// (`seek daemon status|stop`, `seek chat`): requests with replies matched by id and a
// deadline each, notifications sent, and the server's notifications queued for the caller.
// An io thread of its own owns the socket (Boost.Asio); calls may come from any thread.
// The header is Asio-free, so the CLI's other translation units stay cheap.
#pragma once

#include <chrono>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "base/result.h"

namespace seek::daemon {

/// A notification from the server.
struct RpcNotification {
  std::string method;
  nlohmann::json params;
};

class RpcClient {
 public:
  /// Connects to the socket. kUnavailable when no daemon listens there (no file, or refused:
  /// a stale socket), kPermissionDenied when the socket is not ours.
  static Result<std::unique_ptr<RpcClient>> connect(const std::filesystem::path& socket);
  ~RpcClient();
  RpcClient(const RpcClient&) = delete;
  RpcClient& operator=(const RpcClient&) = delete;

  /// Sends a request and waits for its reply. A JSON-RPC error reply becomes an Error with
  /// the server's message (-32602 as kInvalidArgument); kTimeout when no reply arrives in
  /// time; kUnavailable once the connection is gone.
  Result<nlohmann::json> call(std::string_view method, const nlohmann::json& params,
                              std::chrono::milliseconds timeout = std::chrono::seconds(10));
  /// Sends a notification; false once the connection is gone.
  bool notify(std::string_view method, const nlohmann::json& params);
  /// The next notification from the server, waiting up to `timeout`.
  std::optional<RpcNotification> next_notification(std::chrono::milliseconds timeout);
  /// False once the server closed the connection.
  bool connected() const;

 private:
  struct State;
  explicit RpcClient(std::shared_ptr<State> state);
  std::shared_ptr<State> state_;
};

}  // namespace seek::daemon
