// DaemonClient: connect, write one framed request, poll-read until the matching response.
#include "daemon/client.h"

#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <variant>

#include <fmt/format.h>

#include "base/check.h"
#include "lsp/jsonrpc.h"

namespace seek::daemon {

Result<DaemonClient> DaemonClient::connect(const std::filesystem::path& socket) {
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  if (socket.native().size() >= sizeof addr.sun_path) {
    return make_error(ErrorCode::kInvalidArgument, "socket path too long: " + socket.string());
  }
  std::memcpy(addr.sun_path, socket.c_str(), socket.native().size() + 1);
  const int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return SEEK_ERRNO_ERROR("socket");
  DaemonClient client(fd);
  int rc;
  do {
    rc = ::connect(fd, reinterpret_cast<const sockaddr*>(&addr), sizeof addr);
  } while (rc != 0 && errno == EINTR);
  if (rc != 0) {
    const int err = errno;
    if (err == ENOENT || err == ECONNREFUSED) {
      return make_error(ErrorCode::kUnavailable, fmt::format("no daemon is listening on {} ({})", socket.string(),
                                                             err == ENOENT ? "no socket" : "stale socket"));
    }
    return errno_error(fmt::format("cannot connect to {}", socket.string()), err, __FILE__, __LINE__);
  }
  return client;
}

DaemonClient::DaemonClient(DaemonClient&& other) noexcept
    : fd_(other.fd_), next_id_(other.next_id_), decoder_(std::move(other.decoder_)) {
  other.fd_ = -1;
}

DaemonClient::~DaemonClient() {
  if (fd_ >= 0) ::close(fd_);
}

Result<nlohmann::json> DaemonClient::call(std::string_view method, const nlohmann::json& params,
                                          std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  const int64_t id = next_id_++;
  const std::string frame = lsp::encode_frame(lsp::make_request(id, method, params));
  size_t sent = 0;
  while (sent < frame.size()) {
    const ssize_t n = ::send(fd_, frame.data() + sent, frame.size() - sent, MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return SEEK_ERRNO_ERROR(fmt::format("sending {}", method));
    sent += static_cast<size_t>(n);
  }
  char buffer[16384];
  for (;;) {
    while (auto event = decoder_.next()) {
      if (event->error) return make_error(ErrorCode::kCorrupt, "bad frame from the daemon: " + event->detail);
      auto parsed = lsp::parse_message(*event->body);
      if (const auto* failure = std::get_if<lsp::RpcFailure>(&parsed)) {
        return make_error(ErrorCode::kCorrupt, "bad message from the daemon: " + failure->message);
      }
      const auto& msg = std::get<lsp::RpcMessage>(parsed);
      if (msg.kind != lsp::RpcMessage::Kind::kResponse || msg.id != id) continue;  // not ours
      if (!msg.error.is_null()) {
        // Read the error defensively: a malformed one must not throw out of here.
        std::string text = "?";
        int64_t code = 0;
        if (msg.error.is_object()) {
          if (auto m = msg.error.find("message"); m != msg.error.end() && m->is_string()) text = m->get<std::string>();
          if (auto c = msg.error.find("code"); c != msg.error.end() && c->is_number_integer()) code = c->get<int64_t>();
        }
        return make_error(ErrorCode::kInternal, fmt::format("{} failed: {} ({})", method, text, code));
      }
      return msg.result;
    }
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) return make_error(ErrorCode::kTimeout, fmt::format("no reply to {} within {} ms", method, timeout.count()));
    pollfd pfd{fd_, POLLIN, 0};
    const int ready = ::poll(&pfd, 1, static_cast<int>(left.count()));
    if (ready < 0 && errno == EINTR) continue;
    if (ready < 0) return SEEK_ERRNO_ERROR("poll");
    if (ready == 0) continue;  // the deadline check above reports the timeout
    const ssize_t n = ::recv(fd_, buffer, sizeof buffer, 0);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return SEEK_ERRNO_ERROR("reading from the daemon");
    if (n == 0) return make_error(ErrorCode::kIo, fmt::format("the daemon closed the connection during {}", method));
    decoder_.feed(std::string_view(buffer, static_cast<size_t>(n)));
  }
}

}  // namespace seek::daemon
