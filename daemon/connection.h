// One client connection of the daemon: reads Content-Length frames (lsp/framing), answers
// JSON-RPC requests from the method table, and enforces the per-connection limits. Internal
// to daemon/ (it exposes Asio types); server.cc owns the connections.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <boost/asio/local/stream_protocol.hpp>
#include <boost/asio/steady_timer.hpp>

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "daemon/method_table.h"
#include "lsp/framing.h"

namespace seek::daemon {

struct ConnectionOptions {
  lsp::FrameLimits frame_limits;
  std::chrono::milliseconds frame_timeout{30'000};
  std::chrono::milliseconds write_timeout{30'000};
};

struct ConnectionHooks {
  std::function<void(uint64_t id)> on_close;  ///< the connection is gone (registry removal)
  std::function<void()> after_reply;          ///< a reply was written (shutdown waits for it)
};

class Connection : public std::enable_shared_from_this<Connection> {
 public:
  using Socket = boost::asio::local::stream_protocol::socket;

  Connection(Socket socket, uint64_t id, const MethodTable& methods, ConnectionOptions options,
             ConnectionHooks hooks);

  /// Starts the read loop and the deadline watchdog.
  void start();
  /// Closes the socket; pending reads and writes finish with an error and the loop ends.
  void close();
  uint64_t id() const { return id_; }

 private:
  boost::asio::awaitable<void> read_loop();
  boost::asio::awaitable<void> watchdog();
  boost::asio::awaitable<bool> write_frame(const std::string& body);
  std::optional<std::string> handle_body(const std::string& body);
  // Closes the connection if nothing changes before `timeout`; nullopt: tied to its life.
  void arm_deadline(std::optional<std::chrono::milliseconds> timeout);

  Socket socket_;
  boost::asio::steady_timer deadline_;
  uint64_t id_;
  const MethodTable& methods_;
  ConnectionOptions options_;
  ConnectionHooks hooks_;
  lsp::FrameDecoder decoder_;
  bool closed_ = false;
  bool frame_deadline_armed_ = false;  // a started frame's deadline runs, not restarted per read
};

}  // namespace seek::daemon
