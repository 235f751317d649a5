// One client connection of the daemon (either socket), as an lsp::Transport. The io thread
// reads Content-Length frames and enforces the limits: a frame that has started must
// complete within frame_timeout (idle waits between messages are tied to the connection's
// life), every write must be taken by the peer within write_timeout, a bad frame gets an
// error reply, an oversized one also closes the connection. Complete bodies go to a
// dispatcher thread of the connection's own, which serves them with the MessageHandler it
// builds (handlers may block: a model load, an agent session's set-up). Outgoing messages
// from any thread go through a bounded outbox: a writer that finds it full waits for the peer
// to read (the outbox never grows without bound). Internal to daemon/server (Asio types).
#pragma once

#include <boost/asio/awaitable.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/local/stream_protocol.hpp>
#include <boost/asio/steady_timer.hpp>

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include "lsp/framing.h"
#include "lsp/transport.h"

namespace seek::daemon {

struct ConnectionOptions {
  lsp::FrameLimits frame_limits;
  std::chrono::milliseconds frame_timeout{30'000};
  std::chrono::milliseconds write_timeout{30'000};
  std::size_t outbox_bytes = 8u << 20;    ///< a writer waits while more than this is queued
  std::size_t inbox_messages = 4096;      ///< a client that queues more is closed
};

/// What a connection serves; built on the dispatcher thread, which alone calls it.
class MessageHandler {
 public:
  virtual ~MessageHandler() = default;
  virtual void handle(std::string_view body) = 0;
  /// True once the client said `exit`: the connection ends after the reply queue drains.
  virtual bool exited() const = 0;
  /// The code `seek/exited` carries when the session ends (the LSP rules).
  virtual int exit_code() const = 0;
};

using HandlerFactory = std::function<std::unique_ptr<MessageHandler>(lsp::Transport& transport)>;

class Connection final : public lsp::Transport, public std::enable_shared_from_this<Connection> {
 public:
  using Socket = boost::asio::local::stream_protocol::socket;

  /// Both hooks run on the io thread, once each: `on_input_end` when nothing more can be
  /// read (the peer left, or the connection was closed: it no longer counts as a client),
  /// `on_finished` once the connection is closed and its dispatcher has ended (the registry
  /// forgets it then).
  struct Hooks {
    std::function<void()> on_input_end;
    std::function<void(std::uint64_t id)> on_finished;
  };
  Connection(Socket socket, std::uint64_t id, HandlerFactory make_handler, ConnectionOptions options, Hooks hooks);
  ~Connection() override;

  /// Starts reading, the deadline watchdog and the dispatcher thread.
  void start();
  /// Closes the socket now: pending reads and writes fail, the dispatcher ends.
  void close();
  /// Closes once every queued message is written (a graceful end).
  void close_when_drained();
  std::uint64_t id() const { return id_; }

  /// lsp::Transport: queues one body for the peer (see the banner). Never call it on the io
  /// thread.
  bool write(std::string_view body) override;

 private:
  boost::asio::awaitable<void> read_loop();
  boost::asio::awaitable<void> watchdog();
  boost::asio::awaitable<void> write_loop();
  void dispatch_loop();
  // Queues a frame without waiting (io thread: frame-error replies); false when closed.
  bool enqueue(std::string frame, bool wait_for_room);
  // Closes if nothing changes before `timeout`; nullopt: tied to the connection's life.
  void arm_read_deadline(std::optional<std::chrono::milliseconds> timeout);
  void finish_input();

  Socket socket_;
  boost::asio::steady_timer read_deadline_;
  boost::asio::steady_timer write_deadline_;
  boost::asio::executor_work_guard<boost::asio::io_context::executor_type> keep_running_;
  std::uint64_t id_;
  HandlerFactory make_handler_;
  ConnectionOptions options_;
  Hooks hooks_;
  lsp::FrameDecoder decoder_;
  bool frame_deadline_armed_ = false;  // a started frame's deadline runs, not restarted per read

  std::mutex mutex_;
  std::condition_variable changed_;
  bool closed_ = false;            // the socket is closed: nothing more is read or written
  bool close_when_drained_ = false;
  std::deque<std::string> inbox_;  // bodies for the dispatcher
  bool input_done_ = false;        // the read loop ended
  std::deque<std::string> outbox_;  // frames for the writer
  std::size_t outbox_bytes_ = 0;
  bool writing_ = false;           // the write loop runs
  std::thread dispatcher_;
};

}  // namespace seek::daemon
