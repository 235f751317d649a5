// The LSP server shim (see server.h).
#include "lsp/server.h"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>

namespace seek::lsp {
namespace {

PositionEncoding negotiate(const std::vector<std::string>& offered) {
  // utf-8 when the client offers it (no conversion); utf-16 is the mandatory default.
  for (const std::string& e : offered) {
    if (e == "utf-8") return PositionEncoding::kUtf8;
  }
  return PositionEncoding::kUtf16;
}

// The text of the cursor's line before the cursor: a completion item replaces it, so that
// clients filtering by what was typed keep showing the item.
std::string_view line_prefix(std::string_view before_cursor) {
  const std::size_t nl = before_cursor.find_last_of('\n');
  return nl == std::string_view::npos ? before_cursor : before_cursor.substr(nl + 1);
}

// A string field of a JSON object, or "".
std::string string_field(const json& object, const char* key) {
  if (!object.is_object() || !object.contains(key) || !object[key].is_string()) return "";
  return object[key].get<std::string>();
}

}  // namespace

LspServer::LspServer(Transport& transport, CompletionProvider completions, ServerInfo info, agent::SessionHost* sessions)
    : transport_(transport), provide_completions_(std::move(completions)), info_(std::move(info)) {
  if (sessions) session_methods_ = std::make_unique<SessionMethods>(*sessions, transport_);
  worker_ = std::thread([this] { worker_loop(); });
}

LspServer::~LspServer() {
  {
    std::lock_guard lock(progress_sink_->mutex);
    progress_sink_->transport = nullptr;
  }
  {
    std::lock_guard lock(jobs_mutex_);
    stopping_ = true;
    for (auto& [id, flag] : in_flight_) flag->store(true);
  }
  jobs_cv_.notify_all();
  worker_.join();
}

agent::OpenDocument LspServer::open_document(const TextDocument& doc) const {
  agent::OpenDocument d{.uri = doc.uri(), .file = std::nullopt, .text = doc.text()};
  if (auto file = file_uri_to_path(doc.uri())) d.file = std::filesystem::path(*file);
  return d;
}

std::vector<agent::OpenDocument> LspServer::open_documents() const {
  std::vector<agent::OpenDocument> open;  // by URI: a stable order, so the prompt prefix is reused
  for (const auto& [uri, doc] : documents_) open.push_back(open_document(doc));
  return open;
}

void LspServer::initialize(const json& params, Reply reply) {
  InitializeParams p;
  try {
    p = params.get<InitializeParams>();
  } catch (const json::exception& e) {
    reply.error(RpcErrorCode::kInvalidParams, e.what());
    return;
  }
  encoding_ = negotiate(p.position_encodings);
  client_progress_ = p.work_done_progress;
  if (p.root_uri) {
    if (auto root = file_uri_to_path(*p.root_uri)) editor_.open_workspace(std::filesystem::path(*root));
  }
  completions_ = &provide_completions_();
  reply.result({
      {"capabilities",
       {{"positionEncoding", to_string(encoding_)},
        {"textDocumentSync", {{"openClose", true}, {"change", 2}, {"save", {{"includeText", false}}}}},
        {"inlineCompletionProvider", true},
        {"completionProvider", {{"resolveProvider", false}, {"triggerCharacters", json::array()}}},
        {"executeCommandProvider",
         {{"commands", session_methods_ ? json{"seek.status", "seek.agent.start", "seek.agent.cancel"} : json{"seek.status"}}}},
        {"codeActionProvider", session_methods_ != nullptr},
        {"experimental", {{"seekSessions", session_methods_ != nullptr}}}}},
      {"serverInfo", {{"name", info_.name}, {"version", info_.version}}},
  });
}

json LspServer::status() const {
  json index = nullptr;
  if (const auto& workspace = editor_.workspace()) {
    const auto stats = workspace->stats();
    index = {{"root", workspace->root().string()},
             {"ready", workspace->ready()},
             {"files", stats.files_indexed},
             {"definitions", stats.definitions},
             {"buildMs", stats.build_time.count()}};
  }
  return {{"backend", completions_ ? json(completions_->backend_name()) : json(nullptr)},
          {"index", index},
          {"positionEncoding", to_string(encoding_)},
          {"documents", documents_.size()},
          {"completionsServed", served_.load()},
          {"lastContext", completions_ ? json(completions_->last_context()) : json::array()},
          {"completionsShown", shown_.load()},
          {"completionsPartiallyAccepted", partially_accepted_.load()},
          {"version", info_.version}};
}

void LspServer::bind(MethodTable& table) {
  table.raw_request("initialize", [this](const json& params, Reply reply) { initialize(params, std::move(reply)); });
  table.raw_request("shutdown", [](const json&, Reply reply) { reply.result(nullptr); });
  table.raw_notification("initialized", [this](const json&) { start_indexing(); });

  table.notification<DidOpenParams>("textDocument/didOpen", [this](DidOpenParams p) {
    const TextDocumentItem& d = p.text_document;
    documents_.insert_or_assign(d.uri, TextDocument(d.uri, d.language_id, d.version, d.text));
  });
  table.notification<DidChangeParams>("textDocument/didChange", [this](DidChangeParams p) {
    auto it = documents_.find(p.uri);
    if (it == documents_.end()) return;
    for (const ContentChange& c : p.changes) {
      if (Status s = it->second.apply_change(c.range, c.text, p.version, encoding_); !s.ok()) {
        std::fprintf(stderr, "seek lsp: %s: %s\n", p.uri.c_str(), s.error().message.c_str());
        return;
      }
      if (c.range) editor_.note_edit(p.uri, c.range->start.line);
    }
  });
  table.notification<DocumentParams>("textDocument/didClose", [this](DocumentParams p) {
    documents_.erase(p.uri);
    editor_.forget(p.uri);
  });
  table.notification<DocumentParams>("textDocument/didSave", [this](DocumentParams p) {
    if (!editor_.workspace()) return;
    if (auto path = file_uri_to_path(p.uri)) editor_.workspace()->file_saved(*path);
  });
  table.notification<CancelParams>("$/cancelRequest", [this](CancelParams p) {
    std::lock_guard lock(jobs_mutex_);
    if (auto it = in_flight_.find(p.id.dump()); it != in_flight_.end()) it->second->store(true);
  });
  table.raw_notification("seek/didShowCompletion", [this](const json&) { ++shown_; });
  table.raw_notification("seek/didPartiallyAcceptCompletion", [this](const json&) { ++partially_accepted_; });

  table.request<TextDocumentPositionParams>("textDocument/inlineCompletion", [this](TextDocumentPositionParams p, Reply r) {
    completion_request(p, std::move(r), true);
  });
  table.request<TextDocumentPositionParams>("textDocument/completion", [this](TextDocumentPositionParams p, Reply r) {
    completion_request(p, std::move(r), false);
  });
  table.raw_request("seek/status", [this](const json&, Reply reply) { reply.result(status()); });
  table.raw_request("textDocument/codeAction", [this](const json& params, Reply reply) { code_action(params, std::move(reply)); });
  table.request<ExecuteCommandParams>("workspace/executeCommand", [this](ExecuteCommandParams p, Reply reply) {
    const std::string root = editor_.workspace() ? editor_.workspace()->root().string() : std::string();
    if (session_methods_ && session_methods_->execute(p.command, p.arguments, root, reply)) return;
    if (p.command != "seek.status") {
      reply.error(RpcErrorCode::kInvalidParams, fmt::format("unknown command '{}'", p.command));
      return;
    }
    reply.result({{"backend", completions_->backend_name()}, {"documents", documents_.size()}});
  });
  if (session_methods_) session_methods_->bind(table);
}

// Code actions hand the code at hand to the agent ("fix" with the diagnostics there, or
// "ask" about the selection), each as a seek.agent.start command: the session runs in the
// daemon and the client watches it.
void LspServer::code_action(const json& params, Reply reply) {
  json actions = json::array();
  if (!session_methods_ || !params.is_object() || !params.contains("textDocument") || !params["textDocument"].is_object() ||
      !params.contains("range")) {
    reply.result(actions);
    return;
  }
  const std::string uri = string_field(params["textDocument"], "uri");
  Range range;
  try {
    range = params["range"].get<Range>();
  } catch (const json::exception& e) {
    reply.error(RpcErrorCode::kInvalidParams, e.what());
    return;
  }
  std::vector<std::string> problems;
  if (params.contains("context") && params["context"].is_object() && params["context"].contains("diagnostics") &&
      params["context"]["diagnostics"].is_array()) {
    for (const json& d : params["context"]["diagnostics"]) {
      if (d.is_object() && d.contains("message") && d["message"].is_string()) problems.push_back(d["message"].get<std::string>());
    }
  }
  agent::OpenDocument document{.uri = uri, .file = std::nullopt, .text = {}};
  if (auto doc = documents_.find(uri); doc != documents_.end()) {
    document = open_document(doc->second);
  } else if (auto file = file_uri_to_path(uri)) {
    document.file = std::filesystem::path(*file);
  }
  constexpr std::int64_t kLastLine = std::int64_t{1} << 40;  // far past any document, no overflow
  for (const agent::AgentAction& a : editor_.code_actions(document, std::clamp<std::int64_t>(range.start.line, 0, kLastLine),
                                                           std::clamp<std::int64_t>(range.end.line, 0, kLastLine), problems)) {
    actions.push_back({{"title", a.title},
                       {"kind", a.kind},
                       {"command", {{"title", a.title}, {"command", "seek.agent.start"}, {"arguments", json::array({{{"task", a.task}}})}}}});
  }
  reply.result(actions);
}

void LspServer::completion_request(const TextDocumentPositionParams& p, Reply reply, bool inline_api) {
  auto it = documents_.find(p.uri);
  if (it == documents_.end()) {
    reply.error(RpcErrorCode::kInvalidParams, fmt::format("document {} is not open", p.uri));
    return;
  }
  const TextDocument& doc = it->second;
  const std::size_t at = doc.offset(p.position, encoding_);
  const Position cursor = doc.position(at, encoding_);  // clamped
  const Position line_start{cursor.line, 0};
  const std::string typed(line_prefix(std::string_view(doc.text()).substr(0, at)));
  auto request = std::make_shared<agent::CompletionRequest>(
      editor_.completion_request(open_document(doc), at, cursor.line, p.automatic, open_documents()));
  auto cancel = std::make_shared<std::atomic<bool>>(false);
  const std::string key = reply.id().dump();
  {
    std::lock_guard lock(jobs_mutex_);
    // Cancel-previous: a newer request for this document supersedes the one in flight.
    if (auto prev = latest_by_document_.find(p.uri); prev != latest_by_document_.end()) prev->second->store(true);
    latest_by_document_[p.uri] = cancel;
    in_flight_[key] = cancel;
    queue_.push_back(Job{reply.id(), cancel, [this, request, cancel, reply, key, typed, line_start, cursor, inline_api] {
                           if (cancel->load()) {
                             reply.error(RpcErrorCode::kRequestCancelled, "cancelled");
                             return;
                           }
                           auto g = completions_->complete(*request, *cancel);
                           if (cancel->load()) {
                             reply.error(RpcErrorCode::kRequestCancelled, "cancelled");
                             return;
                           }
                           if (!g.ok()) {
                             reply.error(RpcErrorCode::kRequestFailed, g.error().message);
                             return;
                           }
                           ++served_;
                           json items = json::array();
                           if (!g->text.empty()) {
                             // The item replaces the line up to the cursor, so clients that filter
                             // by the typed prefix keep showing it while the user types on.
                             const Range range{line_start, cursor};
                             if (inline_api) {
                               items.push_back(InlineCompletionItem{typed + g->text, range});
                             } else {
                               items.push_back({{"label", typed + g->text},
                                                {"kind", 1},
                                                {"textEdit", {{"range", range}, {"newText", typed + g->text}}}});
                             }
                           }
                           if (inline_api) {
                             reply.result({{"items", items}});
                           } else {
                             reply.result({{"isIncomplete", false}, {"items", items}});
                           }
                         }});
  }
  jobs_cv_.notify_one();
}

// Builds the workspace's index in the background, reporting $/progress when the client
// takes it (window/workDoneProgress/create first, as the spec requires).
void LspServer::start_indexing() {
  const std::shared_ptr<agent::WorkspaceContext>& workspace = editor_.workspace();
  if (!workspace) return;
  std::string token;
  if (client_progress_) {
    token = "seek-index";
    transport_.write(make_request("seek-progress-create", "window/workDoneProgress/create", {{"token", token}}));
  }
  auto last_report = std::make_shared<std::chrono::steady_clock::time_point>();
  auto begun = std::make_shared<bool>(false);
  progress_sink_->transport = &transport_;
  workspace->start_indexing([sink = progress_sink_, token, last_report, begun](std::size_t done, std::size_t total,
                                                                              bool finished) {
    if (token.empty()) return;
    std::lock_guard lock(sink->mutex);
    if (!sink->transport) return;  // the session is gone
    Transport& out = *sink->transport;
    if (!*begun) {
      *begun = true;
      out.write(make_notification(
          "$/progress", {{"token", token}, {"value", {{"kind", "begin"}, {"title", "seek: indexing"}, {"percentage", 0}}}}));
    }
    if (finished) {
      out.write(make_notification(
          "$/progress", {{"token", token}, {"value", {{"kind", "end"}, {"message", fmt::format("{} files", done)}}}}));
      return;
    }
    const auto now = std::chrono::steady_clock::now();
    if (now - *last_report < std::chrono::milliseconds(100)) return;  // a report per 100 ms is plenty
    *last_report = now;
    const int percent = total == 0 ? 0 : static_cast<int>(100 * done / total);
    out.write(make_notification("$/progress", {{"token", token},
                                                      {"value", {{"kind", "report"},
                                                                 {"percentage", percent},
                                                                 {"message", fmt::format("{}/{} files", done, total)}}}}));
  });
}

void LspServer::worker_loop() {
  while (true) {
    Job job;
    {
      std::unique_lock lock(jobs_mutex_);
      jobs_cv_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
      if (queue_.empty()) return;
      job = std::move(queue_.front());
      queue_.pop_front();
    }
    try {
      job.work();
    } catch (const std::exception& e) {  // a bug must not take the editor's server (or the daemon) down
      std::fprintf(stderr, "seek lsp: internal error in a request: %s\n", e.what());
    }
    std::lock_guard lock(jobs_mutex_);
    in_flight_.erase(job.id.dump());
  }
}

}  // namespace seek::lsp
