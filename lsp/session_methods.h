// The agent sessions over LSP: `seek/session/*` requests on the daemon's LSP endpoint, so an
// editor and `seek chat` reach the same daemon-hosted sessions (agent::SessionHost), and
// every event of a watched session arrives as a `seek/session/event` notification
// {session_id, seq, event}. Documented in docs/lsp-extensions.md.
//
// Events are queued per connection and written by a thread of its own, so a client that
// stops reading never stalls a turn (or the engine it shares): past a bound, its queued
// events are dropped and it gets `seek/session/overflow {session_id}` to re-open from.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

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
  /// `workspace/executeCommand` for clients without custom requests: `seek.agent.start`
  /// ({task, repo?, backend?, base_url?, model?, approval?, sandbox?, mode?}; repo defaults to
  /// `workspace_root`) creates a session, watches it and sends the task, answering
  /// {session_id, seq}; `seek.agent.cancel` ({id}). False: not one of these commands.
  bool execute(const std::string& command, const json& arguments, const std::string& workspace_root, Reply reply);

 private:
  struct Outbox {  // events waiting for this connection's writer thread
    std::mutex mutex;
    std::condition_variable changed;
    std::deque<std::pair<std::string, std::string>> frames;  // (session id, frame)
    std::size_t bytes = 0;
    std::map<std::string, bool> overflowed;  // session id -> told to re-open
    bool closed = false;
  };
  struct Watching {
    std::uint64_t watcher = 0;
    bool can_approve = false;
  };
  agent::Watcher make_watcher(bool can_approve);
  void remember(const std::string& session_id, const json& result, bool can_approve);
  void write_loop();

  agent::SessionHost& host_;
  Transport& transport_;
  std::shared_ptr<Outbox> outbox_ = std::make_shared<Outbox>();
  std::thread writer_;
  std::mutex mutex_;
  std::map<std::string, Watching> watching_;  // session id -> this connection's watcher
};

}  // namespace seek::lsp
