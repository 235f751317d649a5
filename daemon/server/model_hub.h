// The models the daemon serves, loaded once and shared by every connection of both sockets:
//   - the inline completion service, loaded the first time an editor session initializes
//     (start-up stays instant, and concurrent starts settle on the lock and the socket at
//     once); a model that cannot be loaded leaves the model-free line history, with the
//     reason in the log, rather than refusing editors;
//   - the agent session host, whose sessions share one LocalEngine per model directory (by
//     canonical path; the engine serialises requests), with the daemon's --model as the
//     default local model.
// Inline completion keeps an engine of its own on purpose: a keystroke must not wait behind
// an agent turn, and the weights are memory-mapped, so the page cache holds them once.
#pragma once

#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "agent/completion_service.h"
#include "agent/session_host.h"
#include "daemon/backend_choice.h"

namespace seek::daemon {

class ModelHub {
 public:
  explicit ModelHub(BackendFlags flags);
  ~ModelHub();

  /// The completion service, loading the model the first time.
  agent::CompletionService& completions();
  /// The completion backend's name once it is loaded (status must not load it).
  std::optional<std::string> loaded_backend() const;
  /// The agent sessions (they outlive every connection).
  agent::SessionHost& sessions() { return *sessions_; }
  /// Cancels running turns and ends the sessions' work; called once the connections are gone.
  void stop();

 private:
  BackendFlags flags_;
  std::once_flag loaded_;
  std::unique_ptr<agent::CompletionService> completions_;
  mutable std::mutex mutex_;  // guards reading completions_ while it is being set
  std::unique_ptr<agent::SessionHost> sessions_;
};

}  // namespace seek::daemon
