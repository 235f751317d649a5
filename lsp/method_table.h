// One table binding LSP method names to typed handlers (clangd's LSPBinder idea). A binding
// parses the params into its type; a parse failure answers -32602 with the reason, an
// unknown request -32601, and an unknown notification is ignored (or, for "$/" ones, as the
// spec asks). Handlers reply through a Reply, exactly once, from any thread.
#pragma once

#include <atomic>
#include <functional>
#include <map>
#include <memory>
#include <string>

#include "lsp/jsonrpc.h"
#include "lsp/transport.h"

namespace seek::lsp {

/// Answers one request. Destroying an unanswered Reply answers it with an internal error,
/// so a request is never left hanging.
class Reply {
 public:
  Reply(Transport& transport, json id) : state_(std::make_shared<State>(transport, std::move(id))) {}
  void result(const json& value) const;
  void error(RpcErrorCode code, std::string_view message) const;
  const json& id() const { return state_->id; }

 private:
  struct State {
    State(Transport& t, json i) : transport(&t), id(std::move(i)) {}
    ~State();
    Transport* transport;
    json id;
    std::atomic<bool> done{false};  // the first answer wins (a cancel races the worker)
  };
  std::shared_ptr<State> state_;
};

class MethodTable {
 public:
  using RequestFn = std::function<void(const json& params, Reply reply)>;
  using NotificationFn = std::function<void(const json& params)>;

  /// Binds a request whose params parse into P.
  template <class P>
  void request(const std::string& method, std::function<void(P params, Reply reply)> handler) {
    requests_[method] = [handler = std::move(handler)](const json& params, Reply reply) {
      P parsed{};
      try {
        parsed = params.get<P>();
      } catch (const json::exception& e) {
        reply.error(RpcErrorCode::kInvalidParams, e.what());
        return;
      }
      handler(std::move(parsed), std::move(reply));
    };
  }
  /// Binds a request that takes no params (or ignores them).
  void raw_request(const std::string& method, RequestFn handler) { requests_[method] = std::move(handler); }

  /// Binds a notification whose params parse into P; bad params are dropped with a log line
  /// (a notification has no reply to carry an error).
  template <class P>
  void notification(const std::string& method, std::function<void(P params)> handler) {
    notifications_[method] = [method, handler = std::move(handler)](const json& params) {
      P parsed{};
      try {
        parsed = params.get<P>();
      } catch (const json::exception& e) {
        log_bad_notification(method, e.what());
        return;
      }
      handler(std::move(parsed));
    };
  }
  void raw_notification(const std::string& method, NotificationFn handler) { notifications_[method] = std::move(handler); }

  const RequestFn* find_request(const std::string& method) const;
  const NotificationFn* find_notification(const std::string& method) const;

 private:
  static void log_bad_notification(const std::string& method, const std::string& why);
  std::map<std::string, RequestFn> requests_;
  std::map<std::string, NotificationFn> notifications_;
};

}  // namespace seek::lsp
