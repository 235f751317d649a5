// The daemon's own methods (see daemon_methods.h).
#include "daemon/server/daemon_methods.h"

#include "daemon/version.h"

namespace seek::daemon {

void bind_daemon_methods(lsp::MethodTable& table, const DaemonState& state, std::function<nlohmann::json()> session_status) {
  table.raw_request(
      "seek/status",
      [state, session_status = std::move(session_status)](const nlohmann::json&, lsp::Reply reply) {
        nlohmann::json status = session_status ? session_status() : nlohmann::json::object();
        const auto uptime = std::chrono::steady_clock::now() - state.started_at;
        const std::size_t open = state.client_count ? state.client_count() : 0;
        status.update({
            {"pid", state.pid},
            {"uptime_s", std::chrono::duration<double>(uptime).count()},
            {"version", std::string(version())},
            {"clients", open > 0 ? open - 1 : 0},
            {"socket", state.socket_path},
        });
        reply.result(status);
      },
      lsp::Availability::kAnyTime);
  table.raw_request(
      "seek/shutdown",
      [state](const nlohmann::json&, lsp::Reply reply) {
        reply.result(nlohmann::json::object());  // queued before the stop begins, so it is written
        if (state.request_shutdown) state.request_shutdown();
      },
      lsp::Availability::kAnyTime);
}

}  // namespace seek::daemon
