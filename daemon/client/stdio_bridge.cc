// The stdio <-> lsp.sock relay (see stdio_bridge.h), on Boost.Asio: two coroutines, one per
// direction. The editor's bytes go to the daemon as they come (the daemon frames and checks
// them); the daemon's frames go to stdout re-framed, except `seek/exited`.
#include "daemon/client/stdio_bridge.h"

#include <fcntl.h>
#include <unistd.h>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/local/stream_protocol.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>

#include <array>
#include <chrono>
#include <thread>
#include <variant>

#include <fmt/format.h>

#include "lsp/framing.h"
#include "lsp/jsonrpc.h"

namespace seek::daemon {

namespace asio = boost::asio;
using stream_protocol = asio::local::stream_protocol;

namespace {

constexpr auto kUseTuple = asio::as_tuple(asio::use_awaitable);

// Asio makes descriptors non-blocking, and stdio shares its file description with whoever
// started us: the flags are put back when the bridge ends.
struct RestoreFlags {
  int fd;
  int flags = ::fcntl(fd, F_GETFL);
  ~RestoreFlags() {
    if (flags >= 0) ::fcntl(fd, F_SETFL, flags);
  }
};

// The daemon's frames to stdout; records the exit code `seek/exited` carries.
asio::awaitable<void> daemon_to_editor(stream_protocol::socket& daemon, asio::posix::stream_descriptor& out, int& exit_code) {
  lsp::FrameDecoder decoder;
  std::array<char, 64 * 1024> buffer;
  while (true) {
    auto [ec, n] = co_await daemon.async_read_some(asio::buffer(buffer), kUseTuple);
    if (ec) co_return;  // the session is over
    decoder.feed(std::string_view(buffer.data(), n));
    while (auto event = decoder.next()) {
      if (!event->body) continue;
      auto parsed = lsp::parse_message(*event->body);
      if (auto* m = std::get_if<lsp::RpcMessage>(&parsed); m && m->method == "seek/exited") {
        if (m->params.is_object() && m->params.contains("code") && m->params["code"].is_number_integer()) {
          exit_code = m->params["code"].get<int>();
        }
        continue;
      }
      const std::string frame = lsp::encode_frame(*event->body);
      auto [write_ec, written] = co_await asio::async_write(out, asio::buffer(frame), kUseTuple);
      if (write_ec) {
        exit_code = 1;  // the editor is gone
        co_return;
      }
    }
  }
}

// The editor's bytes to the daemon; at the end of stdin the daemon is told (it ends the
// session, and says with which code).
asio::awaitable<void> editor_to_daemon(asio::posix::stream_descriptor& in, stream_protocol::socket& daemon) {
  std::array<char, 64 * 1024> buffer;
  while (true) {
    auto [ec, n] = co_await in.async_read_some(asio::buffer(buffer), kUseTuple);
    if (ec) break;
    auto [write_ec, written] = co_await asio::async_write(daemon, asio::buffer(buffer.data(), n), kUseTuple);
    if (write_ec) co_return;
  }
  boost::system::error_code ignored;
  daemon.shutdown(stream_protocol::socket::shutdown_send, ignored);
}

}  // namespace

Result<int> bridge_stdio_to_daemon(const DaemonPaths& paths) {
  asio::io_context io(1);
  stream_protocol::socket daemon(io);
  boost::system::error_code ec;
  for (int attempt = 0; attempt < 100; ++attempt) {  // the daemon may still be coming up
    daemon.connect(stream_protocol::endpoint(paths.lsp_socket.string()), ec);
    if (!ec) break;
    daemon.close();
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  if (ec) return make_error(ErrorCode::kUnavailable, fmt::format("cannot reach {}: {}", paths.lsp_socket.string(), ec.message()));

  RestoreFlags stdin_flags{STDIN_FILENO}, stdout_flags{STDOUT_FILENO};
  const int in_fd = ::dup(STDIN_FILENO), out_fd = ::dup(STDOUT_FILENO);
  if (in_fd < 0 || out_fd < 0) {
    if (in_fd >= 0) ::close(in_fd);
    if (out_fd >= 0) ::close(out_fd);
    return make_error(ErrorCode::kUnavailable, "stdin and stdout must be open: they carry the editor's LSP stream");
  }
  asio::posix::stream_descriptor in(io, in_fd);
  asio::posix::stream_descriptor out(io, out_fd);
  int exit_code = 1;
  try {
    asio::co_spawn(io, editor_to_daemon(in, daemon), asio::detached);
    asio::co_spawn(io, daemon_to_editor(daemon, out, exit_code), [&](std::exception_ptr) { io.stop(); });
    io.run();
  } catch (const std::exception& e) {  // Asio reports descriptor failures by exception
    return make_error(ErrorCode::kIo, std::string("the LSP bridge: ") + e.what());
  }
  return exit_code;
}

}  // namespace seek::daemon
