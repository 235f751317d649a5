// What one connection of the daemon is served, on either socket: one method table with
// three groups bound into it (the daemon's own methods, usable before `initialize`; LSP;
// and the agent sessions, seek/session/*), and the LSP lifecycle over it (lsp::Endpoint).
// An editor bridged by `seek lsp`, `seek chat`, and `seek daemon status` all talk to this.
#pragma once

#include <memory>
#include <string>

#include "daemon/server/connection.h"
#include "daemon/server/daemon_methods.h"
#include "daemon/server/model_hub.h"
#include "lsp/endpoint.h"
#include "lsp/method_table.h"
#include "lsp/server.h"

namespace seek::daemon {

class ClientSession final : public MessageHandler {
 public:
  ClientSession(lsp::Transport& transport, ModelHub& models, const DaemonState& daemon, const std::string& version);

  void handle(std::string_view body) override { endpoint_.handle(body); }
  bool exited() const override { return endpoint_.exited(); }
  int exit_code() const override { return endpoint_.exit_code(); }

 private:
  lsp::MethodTable table_;
  lsp::LspServer lsp_;
  lsp::Endpoint endpoint_;
};

}  // namespace seek::daemon
