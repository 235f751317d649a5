// Connection: the io thread's read and write loops, and the dispatcher thread (see
// connection.h). Socket operations happen on the io thread only; the other threads reach it
// through the inbox, the outbox and posted handlers.
#include "daemon/server/connection.h"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>

#include <array>
#include <exception>

#include "base/log.h"
#include "lsp/jsonrpc.h"

namespace seek::daemon {

namespace asio = boost::asio;
using lsp::RpcErrorCode;

namespace {

constexpr auto kUseTuple = asio::as_tuple(asio::use_awaitable);

// A coroutine's end: an exception that escaped it is a bug, logged.
auto log_failure(std::uint64_t id, const char* what) {
  return [id, what](std::exception_ptr e) {
    if (!e) return;
    try {
      std::rethrow_exception(e);
    } catch (const std::exception& ex) {
      log::error("connection {}: {}: {}", id, what, ex.what());
    }
  };
}

}  // namespace

Connection::Connection(Socket socket, std::uint64_t id, HandlerFactory make_handler, ConnectionOptions options,
                       Hooks hooks)
    : socket_(std::move(socket)),
      read_deadline_(socket_.get_executor()),
      write_deadline_(socket_.get_executor()),
      keep_running_(asio::make_work_guard(static_cast<asio::io_context&>(socket_.get_executor().context()))),
      id_(id),
      make_handler_(std::move(make_handler)),
      options_(options),
      hooks_(std::move(hooks)),
      decoder_(options.frame_limits) {}

Connection::~Connection() {
  if (dispatcher_.joinable()) dispatcher_.join();
}

void Connection::start() {
  arm_read_deadline(std::nullopt);
  auto self = shared_from_this();
  // However the read loop ends (EOF, an error, a fatal frame, or an exception), the
  // dispatcher is told that no more input comes.
  asio::co_spawn(socket_.get_executor(), read_loop(), [self, log = log_failure(id_, "read loop")](std::exception_ptr e) {
    log(e);
    self->finish_input();
  });
  asio::co_spawn(socket_.get_executor(), watchdog(), log_failure(id_, "watchdog"));
  dispatcher_ = std::thread([self] { self->dispatch_loop(); });
}

void Connection::close() {
  asio::post(socket_.get_executor(), [self = shared_from_this()] {
    {
      std::lock_guard lock(self->mutex_);
      if (self->closed_) return;
      self->closed_ = true;
    }
    boost::system::error_code ignored;
    self->socket_.shutdown(Socket::shutdown_both, ignored);
    self->socket_.close(ignored);
    self->read_deadline_.cancel();
    self->write_deadline_.cancel();
    self->changed_.notify_all();  // blocked writers and the dispatcher wake up
  });
}

void Connection::close_when_drained() {
  asio::post(socket_.get_executor(), [self = shared_from_this()] {
    bool now = false;
    {
      std::lock_guard lock(self->mutex_);
      self->close_when_drained_ = true;
      now = !self->writing_ && self->outbox_.empty();
    }
    if (now) self->close();
  });
}

void Connection::finish_input() {
  if (hooks_.on_input_end) hooks_.on_input_end();
  {
    std::lock_guard lock(mutex_);
    input_done_ = true;
  }
  changed_.notify_all();
}

void Connection::arm_read_deadline(std::optional<std::chrono::milliseconds> timeout) {
  // Re-arming cancels the watchdog's current wait; it wakes and waits for the new expiry.
  read_deadline_.expires_at(timeout ? std::chrono::steady_clock::now() + *timeout
                                    : std::chrono::steady_clock::time_point::max());
}

asio::awaitable<void> Connection::watchdog() {
  auto self = shared_from_this();
  while (true) {
    co_await read_deadline_.async_wait(kUseTuple);
    {
      std::lock_guard lock(mutex_);
      if (closed_) break;
    }
    if (read_deadline_.expiry() <= std::chrono::steady_clock::now()) {
      log::info("connection {}: timed out mid-frame; closing", id_);
      close();
      break;
    }
  }
}

bool Connection::write(std::string_view body) { return enqueue(lsp::encode_frame(body), /*wait_for_room=*/true); }

bool Connection::enqueue(std::string frame, bool wait_for_room) {
  std::unique_lock lock(mutex_);
  // Wait for the peer to take what is queued; the write deadline closes a peer that stalls.
  if (wait_for_room) changed_.wait(lock, [&] { return closed_ || outbox_bytes_ <= options_.outbox_bytes; });
  if (closed_) return false;
  outbox_bytes_ += frame.size();
  outbox_.push_back(std::move(frame));
  if (writing_) return true;
  writing_ = true;
  lock.unlock();
  // Posted, never run inline: the write loop takes the lock this caller may hold otherwise.
  asio::post(socket_.get_executor(), [self = shared_from_this()] {
    asio::co_spawn(self->socket_.get_executor(), self->write_loop(), log_failure(self->id_, "write loop"));
  });
  return true;
}

asio::awaitable<void> Connection::write_loop() {
  auto self = shared_from_this();
  while (true) {
    std::string frame;
    bool close_now = false;
    {
      std::lock_guard lock(mutex_);
      if (closed_ || outbox_.empty()) {
        writing_ = false;
        close_now = !closed_ && close_when_drained_;
        if (!close_now) co_return;
      } else {
        frame = std::move(outbox_.front());
        outbox_.pop_front();
      }
    }
    if (close_now) {
      close();
      co_return;
    }
    // Write the whole frame; the peer must take it within write_timeout.
    write_deadline_.expires_after(options_.write_timeout);
    write_deadline_.async_wait([weak = weak_from_this(), id = id_](const boost::system::error_code& ec) {
      if (ec) return;  // cancelled: the write finished in time
      if (auto connection = weak.lock()) {
        log::info("connection {}: the peer did not take a reply in time; closing", id);
        connection->close();
      }
    });
    auto [ec, n] = co_await asio::async_write(socket_, asio::buffer(frame), kUseTuple);
    write_deadline_.cancel();
    {
      std::lock_guard lock(mutex_);
      outbox_bytes_ -= frame.size();
    }
    changed_.notify_all();
    if (ec) {
      {
        std::lock_guard lock(mutex_);
        writing_ = false;
      }
      close();
      co_return;
    }
  }
}

asio::awaitable<void> Connection::read_loop() {
  auto self = shared_from_this();
  std::array<char, 64 * 1024> buffer;
  bool done = false;
  while (!done) {
    // Read more bytes: idle waits are tied to the connection's life; a started frame gets one
    // deadline from its first byte, which trickling bytes do not extend.
    if (!decoder_.mid_frame()) {
      if (frame_deadline_armed_) arm_read_deadline(std::nullopt);
      frame_deadline_armed_ = false;
    } else if (!frame_deadline_armed_) {
      arm_read_deadline(options_.frame_timeout);
      frame_deadline_armed_ = true;
    }
    auto [ec, n] = co_await socket_.async_read_some(asio::buffer(buffer), kUseTuple);
    if (ec) break;
    decoder_.feed(std::string_view(buffer.data(), n));

    // Queue every complete body for the dispatcher; a bad frame gets an error reply. An
    // oversized one also closes the connection: local clients never send one, so its sender
    // is not trusted with the socket (the stdio transport instead skips it and goes on).
    while (auto event = decoder_.next()) {
      if (event->error) {
        log::info("connection {}: bad frame: {}: {}", id_, lsp::to_string(*event->error), event->detail);
        const bool fatal = event->fatal || *event->error == lsp::FrameError::kBodyTooLarge;
        enqueue(lsp::encode_frame(lsp::make_error_response(nullptr, fatal ? RpcErrorCode::kInvalidRequest : RpcErrorCode::kParseError,
                                                            "bad frame: " + event->detail)),
                /*wait_for_room=*/false);
        if (fatal) {
          close_when_drained();
          done = true;
          break;
        }
        continue;
      }
      bool flooded = false;
      {
        std::lock_guard lock(mutex_);
        flooded = inbox_.size() >= options_.inbox_messages;
        if (!flooded) inbox_.push_back(std::move(*event->body));
      }
      if (flooded) {
        log::warn("connection {}: more than {} messages waiting; closing", id_, options_.inbox_messages);
        close();
        done = true;
        break;
      }
      changed_.notify_all();
    }
  }
}

void Connection::dispatch_loop() {
  std::unique_ptr<MessageHandler> handler = make_handler_(*this);
  while (true) {
    std::string body;
    {
      std::unique_lock lock(mutex_);
      changed_.wait(lock, [&] { return closed_ || input_done_ || !inbox_.empty(); });
      if (closed_ || inbox_.empty()) break;
      body = std::move(inbox_.front());
      inbox_.pop_front();
    }
    try {
      handler->handle(body);
    } catch (const std::exception& e) {  // a handler bug must not take the daemon down
      log::error("connection {}: internal error: {}", id_, e.what());
    }
    if (handler->exited()) break;
  }
  // The session is over (exit, the end of input, or a close): the client learns its exit
  // code (`seek lsp` exits with it), then the connection ends once that is written.
  write(lsp::make_notification("seek/exited", {{"code", handler->exit_code()}}));
  handler.reset();  // cancels this session's work (completions, watched agent sessions)
  close_when_drained();
  asio::post(socket_.get_executor(), [self = shared_from_this()] {
    self->dispatcher_.join();
    self->keep_running_.reset();
    if (self->hooks_.on_finished) self->hooks_.on_finished(self->id_);
  });
}

}  // namespace seek::daemon
