// A client of the daemon's agent sessions (seek/session/* on lsp.sock), for `seek chat`:
// requests with replies matched by id, and the `seek/session/event` notifications queued
// for the caller. A reader thread owns the socket's input; calls may come from any thread.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include <nlohmann/json.hpp>

#include "base/result.h"
#include "daemon/lsp_socket.h"
#include "daemon/paths.h"

namespace seek::daemon {

class SessionClient {
 public:
  /// Starts the daemon when none runs (with `model` as its --model), connects and
  /// initializes an LSP session on it.
  static Result<std::unique_ptr<SessionClient>> connect(const DaemonPaths& paths, const DaemonModel& model);
  ~SessionClient();

  /// A request and its result; a JSON-RPC error becomes an Error with its message.
  Result<nlohmann::json> call(const std::string& method, const nlohmann::json& params,
                              std::chrono::milliseconds timeout = std::chrono::seconds(600));
  /// The next session event notification's params, waiting up to `timeout`.
  std::optional<nlohmann::json> next_event(std::chrono::milliseconds timeout);
  /// False once the daemon closed the connection.
  bool connected() const { return connected_; }

 private:
  explicit SessionClient(int fd);
  void read_loop();
  bool send(const nlohmann::json& message);

  int fd_;
  std::atomic<bool> connected_{true};
  std::thread reader_;
  std::mutex mutex_;
  std::condition_variable changed_;
  std::int64_t next_id_ = 1;
  std::map<std::int64_t, nlohmann::json> replies_;
  std::deque<nlohmann::json> events_;
  std::mutex write_mutex_;
};

}  // namespace seek::daemon
