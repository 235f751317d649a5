// One connection's method table and lifecycle (see client_session.h).
#include "daemon/server/client_session.h"

namespace seek::daemon {

ClientSession::ClientSession(lsp::Transport& transport, ModelHub& models, const DaemonState& daemon, const std::string& version)
    : lsp_(transport, [&models]() -> agent::CompletionService& { return models.completions(); }, {"seek", version},
           &models.sessions()),
      endpoint_(transport, table_) {
  lsp_.bind(table_);
  // The daemon's group last: its seek/status (the daemon's fields over this session's)
  // replaces the LSP one.
  bind_daemon_methods(table_, daemon, [this] { return lsp_.status(); });
}

}  // namespace seek::daemon
