// The LSP server shim (see server.h).
#include "lsp/server.h"

#include <fmt/format.h>

#include <chrono>
#include <cstdlib>
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

std::string_view line_prefix(std::string_view before_cursor) {
  const std::size_t nl = before_cursor.find_last_of('\n');
  return nl == std::string_view::npos ? before_cursor : before_cursor.substr(nl + 1);
}

}  // namespace

LspServer::LspServer(Transport& transport, agent::CompletionService& completions, ServerInfo info,
                     agent::SessionHost* sessions)
    : transport_(transport), completions_(completions), info_(std::move(info)) {
  bind_methods();
  if (sessions) {
    session_methods_ = std::make_unique<SessionMethods>(*sessions, transport_);
    session_methods_->bind(table_);
  }
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

void LspServer::bind_methods() {
  table_.raw_request("initialize", [this](const json& params, Reply reply) {
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
      if (auto root = file_uri_to_path(*p.root_uri); root && std::filesystem::is_directory(*root)) {
        workspace_ = agent::workspace_context_for(std::filesystem::canonical(*root));
      }
    }
    phase_ = Phase::kRunning;
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
  });
  table_.raw_request("shutdown", [this](const json&, Reply reply) {
    phase_ = Phase::kShutDown;
    reply.result(nullptr);
  });
  table_.raw_notification("initialized", [this](const json&) { start_indexing(); });
  table_.raw_notification("exit", [this](const json&) { exit_requested_ = true; });

  table_.notification<DidOpenParams>("textDocument/didOpen", [this](DidOpenParams p) {
    const TextDocumentItem& d = p.text_document;
    documents_.insert_or_assign(d.uri, TextDocument(d.uri, d.language_id, d.version, d.text));
  });
  table_.notification<DidChangeParams>("textDocument/didChange", [this](DidChangeParams p) {
    auto it = documents_.find(p.uri);
    if (it == documents_.end()) return;
    for (const ContentChange& c : p.changes) {
      if (Status s = it->second.apply_change(c.range, c.text, p.version, encoding_); !s.ok()) {
        std::fprintf(stderr, "seek lsp: %s: %s\n", p.uri.c_str(), s.error().message.c_str());
        return;
      }
      if (c.range) note_edit(p.uri, c.range->start.line);
    }
  });
  table_.notification<DocumentParams>("textDocument/didClose", [this](DocumentParams p) {
    documents_.erase(p.uri);
    std::erase_if(recent_edits_, [&](const Edit& e) { return e.uri == p.uri; });
  });
  table_.notification<DocumentParams>("textDocument/didSave", [this](DocumentParams p) {
    if (!workspace_) return;
    if (auto path = file_uri_to_path(p.uri)) workspace_->file_saved(*path);
  });
  table_.notification<CancelParams>("$/cancelRequest", [this](CancelParams p) {
    std::lock_guard lock(jobs_mutex_);
    if (auto it = in_flight_.find(p.id.dump()); it != in_flight_.end()) it->second->store(true);
  });
  table_.raw_notification("seek/didShowCompletion", [this](const json&) { ++shown_; });
  table_.raw_notification("seek/didPartiallyAcceptCompletion", [this](const json&) { ++partially_accepted_; });

  table_.request<TextDocumentPositionParams>("textDocument/inlineCompletion", [this](TextDocumentPositionParams p, Reply r) {
    completion_request(p, std::move(r), true);
  });
  table_.request<TextDocumentPositionParams>("textDocument/completion", [this](TextDocumentPositionParams p, Reply r) {
    completion_request(p, std::move(r), false);
  });
  table_.raw_request("seek/status", [this](const json&, Reply reply) {
    json index = nullptr;
    if (workspace_) {
      const auto stats = workspace_->stats();
      index = {{"root", workspace_->root().string()},
               {"ready", workspace_->ready()},
               {"files", stats.files_indexed},
               {"definitions", stats.definitions},
               {"buildMs", stats.build_time.count()}};
    }
    reply.result({{"backend", completions_.backend_name()},
                  {"index", index},
                  {"positionEncoding", to_string(encoding_)},
                  {"documents", documents_.size()},
                  {"completionsServed", served_.load()},
                  {"lastContext", completions_.last_context()},
                  {"completionsShown", shown_.load()},
                  {"completionsPartiallyAccepted", partially_accepted_.load()},
                  {"version", info_.version}});
  });
  // Code actions hand the code at hand to the agent: "fix" with the diagnostics there, or
  // "ask" about the selection. Each is a seek.agent.start command (the session runs in the
  // daemon and the client watches it).
  table_.raw_request("textDocument/codeAction", [this](const json& params, Reply reply) {
    json actions = json::array();
    if (!session_methods_ || !params.is_object() || !params.contains("textDocument") || !params["textDocument"].is_object() ||
        !params.contains("range")) {
      reply.result(actions);
      return;
    }
    const json& text_document = params["textDocument"];
    const std::string uri = text_document.contains("uri") && text_document["uri"].is_string() ? text_document["uri"].get<std::string>() : "";
    Range range;
    try {
      range = params["range"].get<Range>();
    } catch (const json::exception& e) {
      reply.error(RpcErrorCode::kInvalidParams, e.what());
      return;
    }
    const std::string where = fmt::format("{}:{}", display_path(uri), range.start.line + 1);
    std::string problems;
    if (params.contains("context") && params["context"].is_object() && params["context"].contains("diagnostics") &&
        params["context"]["diagnostics"].is_array()) {
      for (const json& d : params["context"]["diagnostics"]) {
        if (d.is_object() && d.contains("message") && d["message"].is_string()) problems += "\n- " + d["message"].get<std::string>();
      }
    }
    std::string code;
    if (auto doc = documents_.find(uri); doc != documents_.end()) {
      constexpr std::int64_t kLastLine = std::int64_t{1} << 40;  // far past any document, no overflow
      const std::size_t begin = doc->second.offset({std::clamp<std::int64_t>(range.start.line, 0, kLastLine), 0}, encoding_);
      const std::size_t end = doc->second.offset({std::clamp<std::int64_t>(range.end.line, 0, kLastLine) + 1, 0}, encoding_);
      if (end > begin) code = doc->second.text().substr(begin, std::min<std::size_t>(end - begin, 4000));
    }
    const auto action = [&](const std::string& title, const std::string& task) {
      actions.push_back({{"title", title},
                         {"kind", problems.empty() ? "refactor" : "quickfix"},
                         {"command", {{"title", title}, {"command", "seek.agent.start"}, {"arguments", json::array({{{"task", task}}})}}}});
    };
    if (!problems.empty()) {
      action("seek: fix with the agent", "Fix the problem reported at " + where + ":" + problems + "\n\nThe code there:\n" + code);
    }
    action("seek: ask the agent about this code",
           "Explain the code at " + where + " and what could be better in it. Do not edit files.\n\n" + code);
    reply.result(actions);
  });
  table_.request<ExecuteCommandParams>("workspace/executeCommand", [this](ExecuteCommandParams p, Reply reply) {
    if (session_methods_ &&
        session_methods_->execute(p.command, p.arguments, workspace_ ? workspace_->root().string() : std::string(), reply)) {
      return;
    }
    if (p.command != "seek.status") {
      reply.error(RpcErrorCode::kInvalidParams, fmt::format("unknown command '{}'", p.command));
      return;
    }
    reply.result({{"backend", completions_.backend_name()}, {"documents", documents_.size()}});
  });
}

agent::CompletionRequest LspServer::completion_request_for(const TextDocument& doc, Position cursor, bool automatic) const {
  const std::size_t at = doc.offset(cursor, encoding_);
  agent::CompletionRequest r;
  r.path = display_path(doc.uri());
  r.workspace = workspace_;
  if (auto file = file_uri_to_path(doc.uri())) r.file = *file;
  r.prefix = doc.text().substr(0, at);
  r.suffix = doc.text().substr(at);
  // Multi-line when the cursor's line holds only indentation; one line otherwise.
  r.multiline = line_prefix(r.prefix).find_first_not_of(" \t") == std::string_view::npos;
  r.max_tokens = r.multiline ? 96 : 48;
  r.time_limit = std::chrono::milliseconds(automatic ? 3000 : 10000);
  // Other open documents as context, stable order (by URI) so the prompt prefix is reused.
  for (const auto& [uri, other] : documents_) {
    if (uri != doc.uri()) r.context.push_back({display_path(uri), other.text()});
  }
  // Recently edited places elsewhere (most recent first): a few lines around each.
  for (const Edit& e : recent_edits_) {
    if (e.uri == doc.uri() && std::abs(e.line - cursor.line) <= kEditRadius * 3) continue;  // already in the prefix/suffix
    auto other = documents_.find(e.uri);
    if (other == documents_.end()) continue;
    const TextDocument& d = other->second;
    const std::size_t begin = d.offset({std::max<std::int64_t>(0, e.line - kEditRadius), 0}, encoding_);
    const std::size_t end = d.offset({e.line + kEditRadius + 1, 0}, encoding_);
    if (end > begin) {
      r.recent_edits.push_back({fmt::format("{}:{} (edited)", display_path(e.uri), e.line + 1), d.text().substr(begin, end - begin)});
    }
  }
  return r;
}

// What the model sees as a document's name: workspace-relative like the index's snippets,
// else the URI.
std::string LspServer::display_path(const std::string& uri) const {
  if (!workspace_) return uri;
  auto file = file_uri_to_path(uri);
  if (!file) return uri;
  std::error_code ec;
  const auto rel = std::filesystem::relative(*file, workspace_->root(), ec);
  if (ec || rel.empty() || rel.native().starts_with("..")) return uri;
  return rel.generic_string();
}

void LspServer::note_edit(const std::string& uri, std::int64_t line) {
  // One entry per place: an edit within a few lines of a remembered one refreshes it.
  std::erase_if(recent_edits_, [&](const Edit& e) { return e.uri == uri && std::abs(e.line - line) <= kEditRadius; });
  recent_edits_.push_front({uri, line});
  if (recent_edits_.size() > kRecentEdits) recent_edits_.pop_back();
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
  auto request = std::make_shared<agent::CompletionRequest>(completion_request_for(doc, cursor, p.automatic));
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
                           auto g = completions_.complete(*request, *cancel);
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
  if (!workspace_) return;
  std::string token;
  if (client_progress_) {
    token = "seek-index";
    transport_.write(make_request("seek-progress-create", "window/workDoneProgress/create", {{"token", token}}));
  }
  auto last_report = std::make_shared<std::chrono::steady_clock::time_point>();
  auto begun = std::make_shared<bool>(false);
  progress_sink_->transport = &transport_;
  workspace_->start_indexing([sink = progress_sink_, token, last_report, begun](std::size_t done, std::size_t total,
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

void LspServer::handle(std::string body) {
  auto parsed = parse_message(body);
  if (auto* failure = std::get_if<RpcFailure>(&parsed)) {
    transport_.write(make_error_response(failure->id, failure->code, failure->message));
    return;
  }
  RpcMessage& m = std::get<RpcMessage>(parsed);
  if (m.kind == RpcMessage::Kind::kResponse) return;  // we send no requests yet
  if (m.kind == RpcMessage::Kind::kNotification) {
    if (m.method == "exit") {
      exit_requested_ = true;
      return;
    }
    if (phase_ == Phase::kStarting) return;  // the spec: drop notifications before initialize
    if (const auto* fn = table_.find_notification(m.method)) (*fn)(m.params);
    return;
  }
  Reply reply(transport_, m.id);
  if (phase_ == Phase::kStarting && m.method != "initialize") {
    reply.error(RpcErrorCode::kServerNotInitialized, "the server is not initialized yet");
    return;
  }
  if (phase_ != Phase::kStarting && m.method == "initialize") {
    reply.error(RpcErrorCode::kInvalidRequest, "initialize was already received");
    return;
  }
  if (phase_ == Phase::kShutDown) {
    reply.error(RpcErrorCode::kInvalidRequest, "the server is shut down");
    return;
  }
  const auto* fn = table_.find_request(m.method);
  if (!fn) {
    reply.error(RpcErrorCode::kMethodNotFound, fmt::format("method '{}' is not supported", m.method));
    return;
  }
  (*fn)(m.params, std::move(reply));
}

int LspServer::run() {
  while (!exit_requested_) {
    std::optional<Incoming> in = transport_.read();
    if (!in) break;  // end of stream without exit
    if (!in->body) {
      transport_.write(make_error_response(nullptr, RpcErrorCode::kParseError, in->frame_error));
      if (in->fatal) break;
      continue;
    }
    try {
      handle(std::move(*in->body));
    } catch (const std::exception& e) {  // a handler bug must not take the editor's server down
      std::fprintf(stderr, "seek lsp: internal error: %s\n", e.what());
    }
  }
  return exit_requested_ && phase_ == Phase::kShutDown ? 0 : 1;
}

}  // namespace seek::lsp
