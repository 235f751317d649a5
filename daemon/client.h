// A small blocking JSON-RPC client for the daemon's Unix socket, used by the CLI
// (`seek daemon status|stop`, later `seek lsp`'s bridge set-up and `seek run`). Plain POSIX
// sockets and poll() with deadlines: no Asio, so CLI translation units stay cheap.
#pragma once

#include <chrono>
#include <filesystem>
#include <string_view>

#include <nlohmann/json.hpp>

#include "base/result.h"
#include "lsp/framing.h"

namespace seek::daemon {

class DaemonClient {
 public:
  /// Connects to the socket. kUnavailable when no daemon listens there (no file, or refused:
  /// a stale socket), kPermissionDenied when the socket is not ours.
  static Result<DaemonClient> connect(const std::filesystem::path& socket);

  DaemonClient(DaemonClient&& other) noexcept;
  DaemonClient& operator=(DaemonClient&&) = delete;
  DaemonClient(const DaemonClient&) = delete;
  ~DaemonClient();

  /// Sends a request and waits for its response. A JSON-RPC error reply becomes an Error
  /// whose message carries the code and message; kTimeout when no reply arrives in time.
  Result<nlohmann::json> call(std::string_view method, const nlohmann::json& params,
                              std::chrono::milliseconds timeout = std::chrono::seconds(10));

 private:
  explicit DaemonClient(int fd) : fd_(fd) {}
  int fd_ = -1;
  int64_t next_id_ = 1;
  lsp::FrameDecoder decoder_;
};

}  // namespace seek::daemon
