// The daemon's LSP endpoint: a second Unix socket (lsp.sock beside daemon.sock) where each
// connection is one editor's LSP session, served by its own LspServer (its own documents)
// on a thread of its own, all sharing the daemon's completion service and engine. `seek
// lsp` bridges stdio to it. When a session ends, the daemon sends `seek/exited {code}` (the
// exit code the LSP rules give the editor's server process) before closing.
#pragma once

#include <atomic>
#include <filesystem>
#include <functional>
#include <memory>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "agent/completion_service.h"
#include "agent/session_host.h"
#include "base/result.h"

namespace seek::daemon {

class LspService {
 public:
  using BackendFactory = std::function<Result<std::unique_ptr<agent::CompletionBackend>>()>;
  /// `sessions`: the daemon's agent sessions, offered to every LSP session (may be null).
  LspService(BackendFactory make_backend, std::string version, agent::SessionHost* sessions = nullptr)
      : make_backend_(std::move(make_backend)), version_(std::move(version)), sessions_host_(sessions) {}
  ~LspService() { stop(); }

  Status start(const std::filesystem::path& socket_path);
  void stop();
  int sessions() const { return sessions_.load(); }

 private:
  void accept_loop();
  void serve(int fd);

  agent::CompletionService& completions();  // created on first use

  BackendFactory make_backend_;
  std::once_flag loaded_;
  std::unique_ptr<agent::CompletionService> completions_;
  std::string version_;
  agent::SessionHost* sessions_host_;
  std::filesystem::path path_;
  int listen_fd_ = -1;
  std::atomic<bool> stopping_{false};
  std::atomic<int> sessions_{0};
  std::thread acceptor_;
  std::mutex mutex_;
  std::map<int, std::thread> clients_;  // open fd -> its session thread
  std::vector<std::thread> finished_;   // ended sessions, to join
};

}  // namespace seek::daemon
