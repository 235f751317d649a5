// The LSP server shim: one client's documents and the bindings from LSP methods to the
// agent's editor features (agent::EditorContext chooses the context and budgets,
// agent::CompletionService completes, agent::SessionHost runs agent sessions). This file
// only translates. Completions run on a worker thread so the reader keeps serving
// $/cancelRequest and edits while the model generates: a cancelled request answers -32800
// and its generation stops at the next token; a new request for the same document
// supersedes the one in flight. The lifecycle (initialize, shutdown, exit) is
// lsp::Endpoint's.
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
#include "agent/editor_context.h"
#include "lsp/method_table.h"
#include "lsp/protocol.h"
#include "lsp/session_methods.h"
#include "lsp/text_document.h"
#include "lsp/transport.h"

namespace seek::lsp {

struct ServerInfo {
  std::string name = "seek";
  std::string version;
};

/// The completion service of the model this session serves; called on `initialize` (the
/// daemon loads its model the first time it is asked).
using CompletionProvider = std::function<agent::CompletionService&()>;

class LspServer {
 public:
  /// `sessions`: the daemon's agent sessions, served as seek/session/* (nullptr: none).
  LspServer(Transport& transport, CompletionProvider completions, ServerInfo info, agent::SessionHost* sessions = nullptr);
  ~LspServer();

  /// Binds the LSP methods (and, with a session host, seek/session/*) into `table`.
  void bind(MethodTable& table);
  /// This session's part of seek/status: backend (null before initialize), index,
  /// positionEncoding, documents, completion counters, lastContext, version.
  json status() const;

 private:
  struct Job {
    json id;
    std::shared_ptr<std::atomic<bool>> cancel;
    std::function<void()> work;
  };

  void initialize(const json& params, Reply reply);
  void code_action(const json& params, Reply reply);
  void completion_request(const TextDocumentPositionParams& params, Reply reply, bool inline_api);
  void worker_loop();
  void start_indexing();
  agent::OpenDocument open_document(const TextDocument& doc) const;
  std::vector<agent::OpenDocument> open_documents() const;

  Transport& transport_;
  CompletionProvider provide_completions_;
  agent::CompletionService* completions_ = nullptr;  // set on initialize
  ServerInfo info_;
  PositionEncoding encoding_ = PositionEncoding::kUtf16;
  bool client_progress_ = false;  // the client takes window/workDoneProgress
  std::map<std::string, TextDocument> documents_;
  agent::EditorContext editor_;
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
