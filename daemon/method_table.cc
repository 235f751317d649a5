// The method table and the daemon's own methods.
#include "daemon/method_table.h"

#include "daemon/version.h"
#include "lsp/jsonrpc.h"

namespace seek::daemon {

void MethodTable::add(std::string name, MethodHandler handler) { handlers_[std::move(name)] = std::move(handler); }

const MethodHandler* MethodTable::find(std::string_view method) const {
  auto it = handlers_.find(method);
  return it == handlers_.end() ? nullptr : &it->second;
}

int rpc_error_code(const Error& error) {
  switch (error.code) {
    case ErrorCode::kInvalidArgument: return static_cast<int>(lsp::RpcErrorCode::kInvalidParams);
    case ErrorCode::kCancelled: return static_cast<int>(lsp::RpcErrorCode::kRequestCancelled);
    case ErrorCode::kInternal: return static_cast<int>(lsp::RpcErrorCode::kInternalError);
    default: return static_cast<int>(lsp::RpcErrorCode::kRequestFailed);
  }
}

void add_daemon_methods(MethodTable& table, const DaemonState& state) {
  table.add("seek/status", [state](const json&, const CallContext&) -> Result<json> {
    const auto uptime = std::chrono::steady_clock::now() - state.started_at;
    const size_t open = state.client_count ? state.client_count() : 0;
    return json{
        {"pid", state.pid},
        {"uptime_s", std::chrono::duration<double>(uptime).count()},
        {"version", std::string(version())},
        {"clients", open > 0 ? open - 1 : 0},
        {"socket", state.socket_path},
    };
  });
  table.add("seek/shutdown", [state](const json&, const CallContext&) -> Result<json> {
    if (state.request_shutdown) state.request_shutdown();
    return json::object();
  });
}

}  // namespace seek::daemon
