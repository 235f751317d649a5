// RpcClient (see rpc_client.h): the socket lives on a private io_context run by one
// thread; requests are framed and posted to it, replies and notifications are decoded there
// and handed to the waiting callers.
#include "daemon/client/rpc_client.h"

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/local/stream_protocol.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/write.hpp>

#include <array>
#include <condition_variable>
#include <deque>
#include <map>
#include <mutex>
#include <thread>
#include <variant>

#include <fmt/format.h>

#include "base/check.h"
#include "daemon/paths.h"
#include "lsp/framing.h"
#include "lsp/jsonrpc.h"

namespace seek::daemon {

namespace asio = boost::asio;
using stream_protocol = asio::local::stream_protocol;
using Json = nlohmann::json;

struct RpcClient::State : std::enable_shared_from_this<State> {
  asio::io_context io;
  stream_protocol::socket socket{io};
  std::thread thread;
  std::array<char, 64 * 1024> buffer;
  lsp::FrameDecoder decoder;
  std::deque<std::string> outbox;  // io thread only
  bool writing = false;            // io thread only

  std::mutex mutex;
  std::condition_variable changed;
  bool open = true;
  std::int64_t next_id = 1;
  std::map<std::int64_t, Json> replies;
  std::deque<RpcNotification> notifications;

  void read_more() {
    socket.async_read_some(asio::buffer(buffer), [self = shared_from_this()](boost::system::error_code ec, std::size_t n) {
      if (ec) {
        self->closed();
        return;
      }
      self->decoder.feed(std::string_view(self->buffer.data(), n));
      while (auto frame = self->decoder.next()) {
        if (frame->body) self->deliver(*frame->body);
      }
      self->read_more();
    });
  }

  // A reply goes to its caller; a notification to the queue; anything else is dropped.
  void deliver(const std::string& body) {
    auto parsed = lsp::parse_message(body);
    auto* message = std::get_if<lsp::RpcMessage>(&parsed);
    if (!message) return;
    std::lock_guard lock(mutex);
    if (message->kind == lsp::RpcMessage::Kind::kResponse && message->id.is_number_integer()) {
      Json reply = Json::object();
      if (!message->error.is_null()) {
        reply["error"] = message->error;
      } else {
        reply["result"] = message->result;
      }
      replies[message->id.get<std::int64_t>()] = std::move(reply);
    } else if (message->kind == lsp::RpcMessage::Kind::kNotification) {
      notifications.push_back({message->method, message->params});
    }
    changed.notify_all();
  }

  void closed() {
    boost::system::error_code ignored;
    socket.close(ignored);
    std::lock_guard lock(mutex);
    open = false;
    changed.notify_all();
  }

  // Queues a frame on the io thread and writes frames one at a time, in order.
  void send(std::string frame) {
    asio::post(io, [self = shared_from_this(), frame = std::move(frame)]() mutable {
      self->outbox.push_back(std::move(frame));
      if (!self->writing) self->write_next();
    });
  }
  void write_next() {
    if (outbox.empty()) {
      writing = false;
      return;
    }
    writing = true;
    asio::async_write(socket, asio::buffer(outbox.front()), [self = shared_from_this()](boost::system::error_code ec, std::size_t) {
      self->outbox.pop_front();
      if (ec) {
        self->closed();
        return;
      }
      self->write_next();
    });
  }
};

Result<std::unique_ptr<RpcClient>> RpcClient::connect(const std::filesystem::path& socket) {
  SEEK_RETURN_IF_ERROR(check_socket_path(socket));
  auto state = std::make_shared<State>();
  boost::system::error_code ec;
  state->socket.connect(stream_protocol::endpoint(socket.string()), ec);
  if (ec == boost::system::errc::no_such_file_or_directory || ec == boost::system::errc::connection_refused) {
    return make_error(ErrorCode::kUnavailable, fmt::format("no daemon is listening on {} ({})", socket.string(),
                                                           ec == boost::system::errc::connection_refused ? "stale socket" : "no socket"));
  }
  if (ec) return errno_error(fmt::format("cannot connect to {}", socket.string()), ec.value(), __FILE__, __LINE__);
  state->read_more();
  state->thread = std::thread([state] { state->io.run(); });
  return std::unique_ptr<RpcClient>(new RpcClient(std::move(state)));
}

RpcClient::RpcClient(std::shared_ptr<State> state) : state_(std::move(state)) {}

RpcClient::~RpcClient() {
  asio::post(state_->io, [state = state_] { state->closed(); });
  state_->thread.join();
}

bool RpcClient::connected() const {
  std::lock_guard lock(state_->mutex);
  return state_->open;
}

bool RpcClient::notify(std::string_view method, const Json& params) {
  if (!connected()) return false;
  state_->send(lsp::encode_frame(lsp::make_notification(method, params)));
  return true;
}

Result<Json> RpcClient::call(std::string_view method, const Json& params, std::chrono::milliseconds timeout) {
  std::int64_t id;
  {
    std::lock_guard lock(state_->mutex);
    if (!state_->open) return make_error(ErrorCode::kUnavailable, "the daemon closed the connection");
    id = state_->next_id++;
  }
  state_->send(lsp::encode_frame(lsp::make_request(id, method, params)));
  std::unique_lock lock(state_->mutex);
  if (!state_->changed.wait_for(lock, timeout, [&] { return state_->replies.count(id) || !state_->open; })) {
    return make_error(ErrorCode::kTimeout, fmt::format("no reply to {} within {} ms", method, timeout.count()));
  }
  auto it = state_->replies.find(id);
  if (it == state_->replies.end()) {
    return make_error(ErrorCode::kUnavailable, fmt::format("the daemon closed the connection during {}", method));
  }
  Json reply = std::move(it->second);
  state_->replies.erase(it);
  if (reply.contains("error")) {
    // Read the error defensively: a malformed one must not throw out of here.
    const Json& e = reply["error"];
    std::string text = "error";
    std::int64_t code = 0;
    if (e.is_object()) {
      if (auto m = e.find("message"); m != e.end() && m->is_string()) text = m->get<std::string>();
      if (auto c = e.find("code"); c != e.end() && c->is_number_integer()) code = c->get<std::int64_t>();
    }
    return make_error(code == static_cast<int>(lsp::RpcErrorCode::kInvalidParams) ? ErrorCode::kInvalidArgument
                                                                                 : ErrorCode::kUnavailable,
                      text);
  }
  return reply["result"];
}

std::optional<RpcNotification> RpcClient::next_notification(std::chrono::milliseconds timeout) {
  std::unique_lock lock(state_->mutex);
  state_->changed.wait_for(lock, timeout, [&] { return !state_->notifications.empty() || !state_->open; });
  if (state_->notifications.empty()) return std::nullopt;
  RpcNotification n = std::move(state_->notifications.front());
  state_->notifications.pop_front();
  return n;
}

}  // namespace seek::daemon
