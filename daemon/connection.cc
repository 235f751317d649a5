// Connection: the per-client read loop. Each read waits as long as the connection lives
// while the client is idle between messages, but a frame that has started must complete
// within frame_timeout, and every write within write_timeout (a watchdog closes the socket).
#include "daemon/connection.h"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>

#include <array>
#include <exception>
#include <variant>

#include "base/log.h"
#include "lsp/jsonrpc.h"

namespace seek::daemon {

namespace asio = boost::asio;
using lsp::RpcErrorCode;

namespace {
constexpr auto kUseTuple = asio::as_tuple(asio::use_awaitable);
}

Connection::Connection(Socket socket, uint64_t id, const MethodTable& methods, ConnectionOptions options,
                       ConnectionHooks hooks)
    : socket_(std::move(socket)),
      deadline_(socket_.get_executor()),
      id_(id),
      methods_(methods),
      options_(options),
      hooks_(std::move(hooks)),
      decoder_(options.frame_limits) {}

void Connection::start() {
  arm_deadline(std::nullopt);
  auto log_failure = [id = id_](std::exception_ptr e) {
    if (!e) return;
    try {
      std::rethrow_exception(e);
    } catch (const std::exception& ex) {
      log::error("connection {}: {}", id, ex.what());
    }
  };
  // However the read loop ends (EOF, error, fatal frame, or an exception), the connection is
  // closed and leaves the registry.
  asio::co_spawn(socket_.get_executor(), read_loop(), [self = shared_from_this(), log_failure](std::exception_ptr e) {
    log_failure(e);
    self->close();
    if (self->hooks_.on_close) self->hooks_.on_close(self->id_);
  });
  asio::co_spawn(socket_.get_executor(), watchdog(), log_failure);
}

void Connection::close() {
  if (closed_) return;
  closed_ = true;
  boost::system::error_code ignored;
  socket_.shutdown(Socket::shutdown_both, ignored);
  socket_.close(ignored);
  deadline_.cancel();
}

void Connection::arm_deadline(std::optional<std::chrono::milliseconds> timeout) {
  // Re-arming cancels the watchdog's current wait; it wakes and waits for the new expiry.
  deadline_.expires_at(timeout ? std::chrono::steady_clock::now() + *timeout
                               : std::chrono::steady_clock::time_point::max());
}

asio::awaitable<void> Connection::watchdog() {
  auto self = shared_from_this();
  while (!closed_) {
    co_await deadline_.async_wait(kUseTuple);
    if (closed_) break;
    if (deadline_.expiry() <= std::chrono::steady_clock::now()) {
      log::info("connection {}: timed out mid-frame or mid-write; closing", id_);
      close();
    }
  }
}

asio::awaitable<bool> Connection::write_frame(const std::string& body) {
  // Write the whole frame; the peer must take it within write_timeout.
  const std::string frame = lsp::encode_frame(body);
  arm_deadline(options_.write_timeout);
  auto [ec, n] = co_await asio::async_write(socket_, asio::buffer(frame), kUseTuple);
  arm_deadline(std::nullopt);
  frame_deadline_armed_ = false;
  co_return !ec;
}

std::optional<std::string> Connection::handle_body(const std::string& body) {
  auto parsed = lsp::parse_message(body);
  if (const auto* failure = std::get_if<lsp::RpcFailure>(&parsed)) {
    return lsp::make_error_response(failure->id, failure->code, failure->message);
  }
  const auto& msg = std::get<lsp::RpcMessage>(parsed);
  if (msg.kind == lsp::RpcMessage::Kind::kResponse) return std::nullopt;  // we send no requests yet
  const bool is_request = msg.kind == lsp::RpcMessage::Kind::kRequest;
  const MethodHandler* handler = methods_.find(msg.method);
  if (!handler) {
    // Unknown notifications are dropped, as LSP asks ("$/..." ones are optional by design).
    if (!is_request) return std::nullopt;
    return lsp::make_error_response(msg.id, RpcErrorCode::kMethodNotFound, "method not found: " + msg.method);
  }
  std::optional<Result<json>> result;
  try {
    result.emplace((*handler)(msg.params, CallContext{.connection_id = id_}));
  } catch (const std::exception& e) {
    // Handlers return errors as values; an escaped exception is a bug, answered, not fatal.
    result.emplace(make_error(ErrorCode::kInternal, std::string("unexpected exception: ") + e.what()));
  }
  if (!is_request) return std::nullopt;
  if (!result->ok()) {
    return lsp::make_error_response(msg.id, static_cast<RpcErrorCode>(rpc_error_code(result->error())),
                                    result->error().message);
  }
  return lsp::make_response(msg.id, result->value());
}

asio::awaitable<void> Connection::read_loop() {
  auto self = shared_from_this();
  std::array<char, 64 * 1024> buffer;
  bool done = false;
  while (!done && !closed_) {
    // Read more bytes: idle waits are tied to the connection's life; a started frame gets one
    // deadline from its first byte, which trickling bytes do not extend.
    if (!decoder_.mid_frame()) {
      if (frame_deadline_armed_) arm_deadline(std::nullopt);
      frame_deadline_armed_ = false;
    } else if (!frame_deadline_armed_) {
      arm_deadline(options_.frame_timeout);
      frame_deadline_armed_ = true;
    }
    auto [ec, n] = co_await socket_.async_read_some(asio::buffer(buffer), kUseTuple);
    if (ec) break;
    decoder_.feed(std::string_view(buffer.data(), n));

    // Answer every complete frame; a bad frame gets an error reply. An oversized one also
    // closes the connection: local clients never send one, so its sender is not trusted
    // with the socket (the LSP stdio transport instead skips it and goes on).
    while (auto event = decoder_.next()) {
      std::optional<std::string> reply;
      if (event->error) {
        log::info("connection {}: bad frame: {}: {}", id_, lsp::to_string(*event->error), event->detail);
        const bool close = event->fatal || *event->error == lsp::FrameError::kBodyTooLarge;
        reply = lsp::make_error_response(nullptr, close ? RpcErrorCode::kInvalidRequest : RpcErrorCode::kParseError,
                                         "bad frame: " + event->detail);
        done = close;
      } else {
        reply = handle_body(*event->body);
      }
      if (reply) {
        if (!co_await write_frame(*reply)) {
          done = true;
          break;
        }
        if (hooks_.after_reply) hooks_.after_reply();
      }
      if (done || closed_) break;
    }
  }
}

}  // namespace seek::daemon
