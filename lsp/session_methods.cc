// seek/session/* over LSP (see session_methods.h).
#include "lsp/session_methods.h"

#include <set>

#include "lsp/jsonrpc.h"

namespace seek::lsp {
namespace {

// What one connection may have queued before its events are dropped.
constexpr std::size_t kOutboxBytes = 32u << 20;

// Errors from the host as JSON-RPC errors: bad params are InvalidParams, the rest carry
// the message under RequestFailed.
void fail(const Reply& reply, const Error& error) {
  reply.error(error.code == ErrorCode::kInvalidArgument ? RpcErrorCode::kInvalidParams : RpcErrorCode::kRequestFailed,
              error.message);
}

// A string field of the params, or an InvalidParams answer.
bool string_param(const json& params, const char* key, const Reply& reply, std::string& out) {
  if (!params.is_object() || !params.contains(key) || !params[key].is_string()) {
    reply.error(RpcErrorCode::kInvalidParams, std::string("params.") + key + " must be a string");
    return false;
  }
  out = params[key].get<std::string>();
  return true;
}

// An optional boolean field, or an InvalidParams answer.
bool bool_param(const json& params, const char* key, bool fallback, const Reply& reply, bool& out) {
  out = fallback;
  if (!params.is_object() || !params.contains(key)) return true;
  if (!params[key].is_boolean()) {
    reply.error(RpcErrorCode::kInvalidParams, std::string("params.") + key + " must be a boolean");
    return false;
  }
  out = params[key].get<bool>();
  return true;
}

json secrets_of(const json& params) {
  json secrets = json::object();
  if (params.is_object() && params.contains("apiKey") && params["apiKey"].is_string()) secrets["api_key"] = params["apiKey"];
  return secrets;
}

// A handler whose JSON access throws on a wrong type answers InvalidParams, not -32603.
MethodTable::RequestFn guarded(MethodTable::RequestFn handler) {
  return [handler = std::move(handler)](const json& params, Reply reply) {
    try {
      handler(params, reply);
    } catch (const json::exception& e) {
      reply.error(RpcErrorCode::kInvalidParams, e.what());
    }
  };
}

}  // namespace

SessionMethods::SessionMethods(agent::SessionHost& host, Transport& transport) : host_(host), transport_(transport) {
  writer_ = std::thread([this] { write_loop(); });
}

SessionMethods::~SessionMethods() {
  {
    std::lock_guard lock(mutex_);
    for (const auto& [id, w] : watching_) host_.unwatch(w.watcher);
  }
  {
    std::lock_guard lock(outbox_->mutex);
    outbox_->closed = true;
  }
  outbox_->changed.notify_all();
  writer_.join();
}

void SessionMethods::write_loop() {
  Outbox& box = *outbox_;
  while (true) {
    std::string frame;
    {
      std::unique_lock lock(box.mutex);
      box.changed.wait(lock, [&] { return box.closed || !box.frames.empty(); });
      if (box.closed) return;
      frame = std::move(box.frames.front().second);
      box.frames.pop_front();
      box.bytes -= frame.size();
    }
    transport_.write(frame);  // may block on a slow client: only this thread waits
  }
}

agent::Watcher SessionMethods::make_watcher(bool can_approve) {
  return {[box = outbox_](const json& note) {
            std::string frame = make_notification("seek/session/event", note);
            const std::string session = note.value("session_id", "");
            {
              std::lock_guard lock(box->mutex);
              if (box->closed) return;
              if (box->bytes + frame.size() > kOutboxBytes) {
                // The client is not keeping up: drop what waits for it and tell it, once per
                // session that lost events, so it re-opens them (their state is on the
                // host) instead of holding the turns up.
                std::set<std::string> lost = {session};
                for (const auto& queued : box->frames) lost.insert(queued.first);
                box->frames.clear();
                box->bytes = 0;
                for (const std::string& id : lost) {
                  if (box->overflowed[id]) continue;
                  box->overflowed[id] = true;
                  std::string notice = make_notification("seek/session/overflow", {{"session_id", id}});
                  box->bytes += notice.size();
                  box->frames.emplace_back(id, std::move(notice));
                }
              } else {
                box->overflowed[session] = false;
                box->bytes += frame.size();
                box->frames.emplace_back(session, std::move(frame));
              }
            }
            box->changed.notify_one();
          },
          can_approve};
}

void SessionMethods::remember(const std::string& session_id, const json& result, bool can_approve) {
  if (!result.contains("watcher")) return;
  std::lock_guard lock(mutex_);
  if (auto it = watching_.find(session_id); it != watching_.end()) host_.unwatch(it->second.watcher);  // one per session
  watching_[session_id] = {result["watcher"].get<std::uint64_t>(), can_approve};
}

bool SessionMethods::execute(const std::string& command, const json& arguments, const std::string& workspace_root,
                             Reply reply) {
  if (command != "seek.agent.start" && command != "seek.agent.cancel") return false;
  const json args = arguments.is_array() && !arguments.empty() ? arguments[0] : json::object();
  if (!args.is_object()) {
    reply.error(RpcErrorCode::kInvalidParams, command + " takes one object argument");
    return true;
  }
  if (command == "seek.agent.cancel") {
    std::string id;
    if (!string_param(args, "id", reply, id)) return true;
    if (Status st = host_.cancel(id); !st.ok()) {
      fail(reply, st.error());
    } else {
      reply.result(nullptr);
    }
    return true;
  }
  std::string task;
  if (!string_param(args, "task", reply, task)) return true;
  json settings = args;
  settings.erase("task");
  if (!settings.contains("repo")) {
    if (workspace_root.empty()) {
      reply.error(RpcErrorCode::kInvalidParams, "no repo given and the client has no workspace folder");
      return true;
    }
    settings["repo"] = workspace_root;
  }
  if (!settings.contains("name")) settings["name"] = task.substr(0, 80);
  auto header = host_.create(settings, json::object(), make_watcher(false));
  if (!header.ok()) {
    fail(reply, header.error());
    return true;
  }
  const std::string id = (*header)["id"];
  remember(id, *header, false);
  auto seq = host_.send(id, task);
  if (!seq.ok()) {
    fail(reply, seq.error());
    return true;
  }
  reply.result({{"session_id", id}, {"seq", *seq}});
  return true;
}

void SessionMethods::bind(MethodTable& table) {
  // create: {repo, backend?, base_url?, model?, approval?, sandbox?, max_steps?, name?, mode?,
  //          apiKey?, watch?, canApprove?, dryRun?} -> the header (+ "watcher"); null for a dry run
  table.raw_request("seek/session/create", guarded([this](const json& params, Reply reply) {
    if (!params.is_object()) return reply.error(RpcErrorCode::kInvalidParams, "params must be an object");
    bool watch, can_approve, dry_run;
    if (!bool_param(params, "watch", true, reply, watch) || !bool_param(params, "canApprove", false, reply, can_approve) ||
        !bool_param(params, "dryRun", false, reply, dry_run)) {
      return;
    }
    json settings = params;
    for (const char* k : {"apiKey", "watch", "canApprove", "dryRun"}) settings.erase(k);
    if (dry_run) {  // only check the settings (and warm the model up)
      if (Status st = host_.check(settings, secrets_of(params)); !st.ok()) return fail(reply, st.error());
      return reply.result(nullptr);
    }
    std::optional<agent::Watcher> watcher;
    if (watch) watcher = make_watcher(can_approve);
    auto header = host_.create(settings, secrets_of(params), std::move(watcher));
    if (!header.ok()) return fail(reply, header.error());
    remember((*header)["id"], *header, can_approve);
    reply.result(*header);
  }));
  // open: {id, apiKey?, watch?, canApprove?} -> {header, transcript, running, events, watcher?}
  table.raw_request("seek/session/open", guarded([this](const json& params, Reply reply) {
    std::string id;
    bool watch, can_approve;
    if (!string_param(params, "id", reply, id) || !bool_param(params, "watch", true, reply, watch) ||
        !bool_param(params, "canApprove", false, reply, can_approve)) {
      return;
    }
    std::optional<agent::Watcher> watcher;
    if (watch) watcher = make_watcher(can_approve);
    auto state = host_.open(id, secrets_of(params), std::move(watcher));
    if (!state.ok()) return fail(reply, state.error());
    remember(id, *state, can_approve);
    reply.result(*state);
  }));
  table.raw_request("seek/session/unwatch", guarded([this](const json& params, Reply reply) {
    std::string id;
    if (!string_param(params, "id", reply, id)) return;
    std::lock_guard lock(mutex_);
    if (auto it = watching_.find(id); it != watching_.end()) {
      host_.unwatch(it->second.watcher);
      watching_.erase(it);
    }
    reply.result(nullptr);
  }));
  table.raw_request("seek/session/list", guarded([this](const json& params, Reply reply) {
    std::optional<std::filesystem::path> repo;
    if (params.is_object() && params.contains("repo")) {
      std::string r;
      if (!string_param(params, "repo", reply, r)) return;
      repo = r;
    }
    reply.result({{"sessions", host_.list(repo)}});
  }));
  // send: {id, text} -> {seq}: the seq of this turn's turn_started event
  table.raw_request("seek/session/send", guarded([this](const json& params, Reply reply) {
    std::string id, text;
    if (!string_param(params, "id", reply, id) || !string_param(params, "text", reply, text)) return;
    auto seq = host_.send(id, text);
    if (!seq.ok()) return fail(reply, seq.error());
    reply.result({{"seq", *seq}});
  }));
  table.raw_request("seek/session/cancel", guarded([this](const json& params, Reply reply) {
    std::string id;
    if (!string_param(params, "id", reply, id)) return;
    if (Status st = host_.cancel(id); !st.ok()) return fail(reply, st.error());
    reply.result(nullptr);
  }));
  table.raw_request("seek/session/approve", guarded([this](const json& params, Reply reply) {
    std::string id, request, decision;
    if (!string_param(params, "id", reply, id) || !string_param(params, "requestId", reply, request) ||
        !string_param(params, "decision", reply, decision)) {
      return;
    }
    {
      std::lock_guard lock(mutex_);
      auto it = watching_.find(id);
      if (it == watching_.end() || !it->second.can_approve) {
        return reply.error(RpcErrorCode::kRequestFailed, "this client does not watch the session with canApprove");
      }
    }
    if (Status st = host_.answer(id, request, decision); !st.ok()) return fail(reply, st.error());
    reply.result(nullptr);
  }));
  table.raw_request("seek/session/undo", guarded([this](const json& params, Reply reply) {
    std::string id;
    if (!string_param(params, "id", reply, id)) return;
    auto restored = host_.undo(id);
    if (!restored.ok()) return fail(reply, restored.error());
    reply.result(*restored);
  }));
  // configure: {id, mode?, model?, approval?, name?} -> the header
  table.raw_request("seek/session/configure", guarded([this](const json& params, Reply reply) {
    std::string id;
    if (!string_param(params, "id", reply, id)) return;
    json changes = params;
    changes.erase("id");
    auto header = host_.configure(id, changes);
    if (!header.ok()) return fail(reply, header.error());
    reply.result(*header);
  }));
}

}  // namespace seek::lsp
