// The client of the daemon's agent sessions (see session_client.h).
#include "daemon/session_client.h"

#include <sys/socket.h>
#include <unistd.h>

#include "daemon/lsp_socket.h"
#include "lsp/framing.h"
#include "lsp/jsonrpc.h"

namespace seek::daemon {

using Json = nlohmann::json;

Result<std::unique_ptr<SessionClient>> SessionClient::connect(const DaemonPaths& paths, const DaemonModel& model) {
  if (!ensure_daemon(paths, model)) {
    return make_error(ErrorCode::kUnavailable, "the daemon could not be started; see " + paths.log.string());
  }
  SEEK_ASSIGN_OR_RETURN(int fd, connect_lsp_socket(paths));
  std::unique_ptr<SessionClient> client(new SessionClient(fd));
  SEEK_ASSIGN_OR_RETURN(Json init, client->call("initialize", {{"processId", ::getpid()}, {"capabilities", Json::object()}},
                                                 std::chrono::seconds(30)));
  if (!init.contains("capabilities") || !init["capabilities"].value("experimental", Json::object()).value("seekSessions", false)) {
    return make_error(ErrorCode::kUnsupported, "this daemon does not host agent sessions (an older seek is running: seek daemon stop)");
  }
  client->send({{"jsonrpc", "2.0"}, {"method", "initialized"}, {"params", Json::object()}});
  return client;
}

SessionClient::SessionClient(int fd) : fd_(fd) {
  reader_ = std::thread([this] { read_loop(); });
}

SessionClient::~SessionClient() {
  if (connected_) {
    // A polite end: the daemon's session ends with code 0 and its watchers go.
    (void)call("shutdown", nullptr, std::chrono::seconds(2));
    send({{"jsonrpc", "2.0"}, {"method", "exit"}});
  }
  ::shutdown(fd_, SHUT_RDWR);
  reader_.join();
  ::close(fd_);
}

bool SessionClient::send(const Json& message) {
  const std::string frame = lsp::encode_frame(message.dump(-1, ' ', false, Json::error_handler_t::replace));
  std::lock_guard lock(write_mutex_);
  return write_all(fd_, frame.data(), frame.size());
}

void SessionClient::read_loop() {
  lsp::FrameDecoder decoder;
  char buffer[65536];
  while (true) {
    const ssize_t n = ::read(fd_, buffer, sizeof buffer);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    decoder.feed(std::string_view(buffer, static_cast<std::size_t>(n)));
    while (auto frame = decoder.next()) {
      if (!frame->body) continue;
      Json message = Json::parse(*frame->body, nullptr, false);
      if (message.is_discarded() || !message.is_object()) continue;
      std::lock_guard lock(mutex_);
      if (message.contains("id") && message["id"].is_number_integer() && !message.contains("method")) {
        const auto id = message["id"].get<std::int64_t>();  // before the move (C++17 evaluates `= rhs` first)
        replies_[id] = std::move(message);
      } else if (message.value("method", "") == "seek/session/event") {
        events_.push_back(std::move(message["params"]));
      } else if (message.value("method", "") == "seek/session/overflow") {
        Json marker = message["params"];
        marker["overflow"] = true;
        events_.push_back(std::move(marker));
      }  // other notifications ($/progress, seek/exited) are not ours
      changed_.notify_all();
    }
  }
  std::lock_guard lock(mutex_);
  connected_ = false;
  changed_.notify_all();
}

Result<Json> SessionClient::call(const std::string& method, const Json& params, std::chrono::milliseconds timeout) {
  std::int64_t id;
  {
    std::lock_guard lock(mutex_);
    id = next_id_++;
  }
  Json request = {{"jsonrpc", "2.0"}, {"id", id}, {"method", method}};
  if (!params.is_null()) request["params"] = params;
  if (!send(request)) return make_error(ErrorCode::kUnavailable, "the daemon closed the connection");
  std::unique_lock lock(mutex_);
  if (!changed_.wait_for(lock, timeout, [&] { return replies_.count(id) || !connected_; })) {
    return make_error(ErrorCode::kTimeout, method + ": no answer from the daemon");
  }
  auto it = replies_.find(id);
  if (it == replies_.end()) return make_error(ErrorCode::kUnavailable, "the daemon closed the connection");
  Json reply = std::move(it->second);
  replies_.erase(it);
  if (reply.contains("error")) {
    const Json& e = reply["error"];
    return make_error(e.value("code", 0) == static_cast<int>(lsp::RpcErrorCode::kInvalidParams) ? ErrorCode::kInvalidArgument
                                                                                              : ErrorCode::kUnavailable,
                      e.value("message", std::string("error")));
  }
  return reply.value("result", Json());
}

std::optional<Json> SessionClient::next_event(std::chrono::milliseconds timeout) {
  std::unique_lock lock(mutex_);
  changed_.wait_for(lock, timeout, [&] { return !events_.empty() || !connected_; });
  if (events_.empty()) return std::nullopt;
  Json e = std::move(events_.front());
  events_.pop_front();
  return e;
}

}  // namespace seek::daemon
