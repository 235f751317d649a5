// The LSP server shim: lifecycle (initialize, initialized, shutdown, exit), one client's
// document store, and the bindings from methods to the completion service. Feature logic
// lives in agent/; this file only translates. Completions run on a worker thread so the
// reader keeps serving $/cancelRequest and edits while the model generates: a cancelled
// request answers -32800 and its generation stops at the next token; a new request for the
// same document supersedes the one in flight (-32802).
#pragma once

#include <atomic>
#include <condition_variable>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "agent/completion_service.h"
#include "agent/workspace_context.h"
#include "lsp/method_table.h"
#include "lsp/protocol.h"
#include "lsp/session_methods.h"
#include "lsp/transport.h"

namespace seek::lsp {

struct ServerInfo {
  std::string name = "seek";
  std::string version;
};

class LspServer {
 public:
  /// `sessions`: the daemon's agent sessions, served as seek/session/* (nullptr: none).
  LspServer(Transport& transport, agent::CompletionService& completions, ServerInfo info,
            agent::SessionHost* sessions = nullptr);
  ~LspServer();

  /// Serves until `exit` or the end of the stream. Returns the process exit code: 0 after
  /// shutdown + exit, 1 otherwise (the spec's rule).
  int run();

 private:
  struct Job {
    json id;
    std::shared_ptr<std::atomic<bool>> cancel;
    std::function<void()> work;
  };

  void bind_methods();
  void handle(std::string body);
  void completion_request(const TextDocumentPositionParams& params, Reply reply, bool inline_api);
  void worker_loop();
  void start_indexing();
  void note_edit(const std::string& uri, std::int64_t line);
  std::string display_path(const std::string& uri) const;
  agent::CompletionRequest completion_request_for(const TextDocument& doc, Position cursor, bool automatic) const;

  Transport& transport_;
  agent::CompletionService& completions_;
  ServerInfo info_;
  MethodTable table_;
  PositionEncoding encoding_ = PositionEncoding::kUtf16;
  enum class Phase { kStarting, kRunning, kShutDown } phase_ = Phase::kStarting;
  bool exit_requested_ = false;
  bool client_progress_ = false;  // the client takes window/workDoneProgress
  std::map<std::string, TextDocument> documents_;
  struct Edit {
    std::string uri;
    std::int64_t line = 0;
  };
  static constexpr std::size_t kRecentEdits = 6;
  static constexpr std::int64_t kEditRadius = 3;
  std::deque<Edit> recent_edits_;  // most recent first
  std::shared_ptr<agent::WorkspaceContext> workspace_;  // the repository index of rootUri
  // Where index progress goes: the builder thread outlives this session, so it writes
  // through this, which the destructor disconnects.
  struct ProgressSink {
    std::mutex mutex;
    Transport* transport = nullptr;
  };
  std::shared_ptr<ProgressSink> progress_sink_ = std::make_shared<ProgressSink>();

  // Requests in flight, by id (as JSON text), and the latest completion per document.
  std::mutex jobs_mutex_;
  std::condition_variable jobs_cv_;
  std::deque<Job> queue_;
  std::map<std::string, std::shared_ptr<std::atomic<bool>>> in_flight_;
  std::map<std::string, std::shared_ptr<std::atomic<bool>>> latest_by_document_;
  bool stopping_ = false;
  std::thread worker_;
  std::unique_ptr<SessionMethods> session_methods_;  // with a session host
  std::atomic<long> shown_{0}, partially_accepted_{0}, served_{0};
};

}  // namespace seek::lsp
