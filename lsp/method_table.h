// One table binding JSON-RPC method names to typed handlers (clangd's LSPBinder idea), for
// every connection seek serves: the daemon's own methods, LSP and the agent sessions are
// bound into one table per connection. A binding parses the params into its type; a parse
// failure answers -32602 with the reason. Each binding says whether it may run before
// `initialize` (the daemon's status and shutdown do); lsp::Endpoint enforces it. Handlers
// reply through a Reply, exactly once, from any thread.
#pragma once

#include <atomic>
#include <functional>
#include <map>
#include <memory>
#include <string>

#include "base/result.h"
#include "lsp/jsonrpc.h"
#include "lsp/transport.h"

namespace seek::lsp {

/// Answers one request. Destroying an unanswered Reply answers it with an internal error,
/// so a request is never left hanging.
class Reply {
 public:
  /// `on_result`: runs once, just before a successful result is sent (the lifecycle uses it
  /// to enter a phase only when initialize or shutdown succeed).
  Reply(Transport& transport, json id, std::function<void()> on_result = {})
      : state_(std::make_shared<State>(transport, std::move(id), std::move(on_result))) {}
  void result(const json& value) const;
  void error(RpcErrorCode code, std::string_view message) const;
  /// An Error as a JSON-RPC error (rpc_error_code picks the code).
  void error(const Error& error) const;
  const json& id() const { return state_->id; }

 private:
  struct State {
    State(Transport& t, json i, std::function<void()> r) : transport(&t), id(std::move(i)), on_result(std::move(r)) {}
    ~State();
    Transport* transport;
    json id;
    std::function<void()> on_result;
    std::atomic<bool> done{false};  // the first answer wins (a cancel races the worker)
  };
  std::shared_ptr<State> state_;
};

/// When a bound method may run.
enum class Availability {
  kAfterInitialize,  ///< LSP's rule: -32002 before initialize
  kAnyTime,          ///< also before initialize and after shutdown (the daemon's own methods)
};

class MethodTable {
 public:
  using RequestFn = std::function<void(const json& params, Reply reply)>;
  using NotificationFn = std::function<void(const json& params)>;

  struct RequestBinding {
    RequestFn handler;
    Availability availability = Availability::kAfterInitialize;
  };
  struct NotificationBinding {
    NotificationFn handler;
    Availability availability = Availability::kAfterInitialize;
  };

  /// Binds a request whose params parse into P.
  template <class P>
  void request(const std::string& method, std::function<void(P params, Reply reply)> handler,
               Availability availability = Availability::kAfterInitialize) {
    requests_[method] = {[handler = std::move(handler)](const json& params, Reply reply) {
                           P parsed{};
                           try {
                             parsed = params.get<P>();
                           } catch (const json::exception& e) {
                             reply.error(RpcErrorCode::kInvalidParams, e.what());
                             return;
                           }
                           handler(std::move(parsed), std::move(reply));
                         },
                         availability};
  }
  /// Binds a request that reads its params itself (or takes none).
  void raw_request(const std::string& method, RequestFn handler, Availability availability = Availability::kAfterInitialize) {
    requests_[method] = {std::move(handler), availability};
  }

  /// Binds a notification whose params parse into P; bad params are dropped with a log line
  /// (a notification has no reply to carry an error).
  template <class P>
  void notification(const std::string& method, std::function<void(P params)> handler,
                    Availability availability = Availability::kAfterInitialize) {
    notifications_[method] = {[method, handler = std::move(handler)](const json& params) {
                                P parsed{};
                                try {
                                  parsed = params.get<P>();
                                } catch (const json::exception& e) {
                                  log_bad_notification(method, e.what());
                                  return;
                                }
                                handler(std::move(parsed));
                              },
                              availability};
  }
  void raw_notification(const std::string& method, NotificationFn handler,
                        Availability availability = Availability::kAfterInitialize) {
    notifications_[method] = {std::move(handler), availability};
  }

  const RequestBinding* find_request(const std::string& method) const;
  const NotificationBinding* find_notification(const std::string& method) const;

 private:
  static void log_bad_notification(const std::string& method, const std::string& why);
  std::map<std::string, RequestBinding> requests_;
  std::map<std::string, NotificationBinding> notifications_;
};

/// The JSON-RPC error code for an Error a handler produced: kInvalidArgument -> -32602,
/// kCancelled -> -32800, kInternal -> -32603, anything else -> -32803 RequestFailed.
RpcErrorCode rpc_error_code(const Error& error);

}  // namespace seek::lsp
