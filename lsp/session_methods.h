// The agent sessions over LSP: `seek/session/*` requests on the daemon's LSP endpoint, so an
// editor and `seek chat` reach the same daemon-hosted sessions (agent::SessionHost), and
// every event of a watched session arrives as a `seek/session/event` notification
// {session_id, seq, event}. Documented in docs/lsp-extensions.md.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "agent/session_host.h"
#include "lsp/method_table.h"
#include "lsp/transport.h"

namespace seek::lsp {

class SessionMethods {
 public:
  SessionMethods(agent::SessionHost& host, Transport& transport);
  /// Stops watching every session; no notification is written after it returns.
  ~SessionMethods();
  void bind(MethodTable& table);

 private:
  struct Sink {  // the turn threads write through this; the destructor disconnects it
    std::mutex mutex;
    Transport* transport = nullptr;
  };
  agent::Watcher make_watcher(bool can_approve);
  void remember(const std::string& session_id, const json& result);  // its "watcher", if any

  agent::SessionHost& host_;
  std::shared_ptr<Sink> sink_ = std::make_shared<Sink>();
  std::mutex mutex_;
  std::map<std::string, std::uint64_t> watchers_;  // session id -> watcher id
};

}  // namespace seek::lsp
