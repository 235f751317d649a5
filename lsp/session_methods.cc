// seek/session/* over LSP (see session_methods.h).
#include "lsp/session_methods.h"

#include "lsp/jsonrpc.h"

namespace seek::lsp {
namespace {

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

json secrets_of(const json& params) {
  json secrets = json::object();
  if (params.is_object() && params.contains("apiKey") && params["apiKey"].is_string()) secrets["api_key"] = params["apiKey"];
  return secrets;
}

}  // namespace

SessionMethods::SessionMethods(agent::SessionHost& host, Transport& transport) : host_(host) { sink_->transport = &transport; }

SessionMethods::~SessionMethods() {
  {
    std::lock_guard lock(sink_->mutex);
    sink_->transport = nullptr;
  }
  std::lock_guard lock(mutex_);
  for (const auto& [id, wid] : watchers_) host_.unwatch(wid);
}

agent::Watcher SessionMethods::make_watcher(bool can_approve) {
  return {[sink = sink_](const json& note) {
            std::lock_guard lock(sink->mutex);
            if (sink->transport) sink->transport->write(make_notification("seek/session/event", note));
          },
          can_approve};
}

void SessionMethods::remember(const std::string& session_id, const json& result) {
  if (!result.contains("watcher")) return;
  std::lock_guard lock(mutex_);
  if (auto it = watchers_.find(session_id); it != watchers_.end()) host_.unwatch(it->second);  // one per session
  watchers_[session_id] = result["watcher"].get<std::uint64_t>();
}

void SessionMethods::bind(MethodTable& table) {
  // create: {repo, backend?, base_url?, model?, approval?, sandbox?, max_steps?, name?, mode?,
  //          apiKey?, watch?, canApprove?, dryRun?} -> the header (+ "watcher"); null for a dry run
  table.raw_request("seek/session/create", [this](const json& params, Reply reply) {
    if (!params.is_object()) return reply.error(RpcErrorCode::kInvalidParams, "params must be an object");
    json settings = params;
    for (const char* k : {"apiKey", "watch", "canApprove", "dryRun"}) settings.erase(k);
    if (params.value("dryRun", false)) {  // only check the settings (and warm the model up)
      if (Status st = host_.check(settings, secrets_of(params)); !st.ok()) return fail(reply, st.error());
      return reply.result(nullptr);
    }
    std::optional<agent::Watcher> watcher;
    if (params.value("watch", true)) watcher = make_watcher(params.value("canApprove", false));
    auto header = host_.create(settings, secrets_of(params), std::move(watcher));
    if (!header.ok()) return fail(reply, header.error());
    remember((*header)["id"], *header);
    reply.result(*header);
  });
  // open: {id, apiKey?, watch?, canApprove?} -> {header, transcript, running, events, watcher?}
  table.raw_request("seek/session/open", [this](const json& params, Reply reply) {
    std::string id;
    if (!string_param(params, "id", reply, id)) return;
    std::optional<agent::Watcher> watcher;
    if (params.value("watch", true)) watcher = make_watcher(params.value("canApprove", false));
    auto state = host_.open(id, secrets_of(params), std::move(watcher));
    if (!state.ok()) return fail(reply, state.error());
    remember(id, *state);
    reply.result(*state);
  });
  table.raw_request("seek/session/unwatch", [this](const json& params, Reply reply) {
    std::string id;
    if (!string_param(params, "id", reply, id)) return;
    std::lock_guard lock(mutex_);
    if (auto it = watchers_.find(id); it != watchers_.end()) {
      host_.unwatch(it->second);
      watchers_.erase(it);
    }
    reply.result(nullptr);
  });
  table.raw_request("seek/session/list", [this](const json& params, Reply reply) {
    std::optional<std::filesystem::path> repo;
    if (params.is_object() && params.contains("repo") && params["repo"].is_string()) repo = params["repo"].get<std::string>();
    reply.result({{"sessions", host_.list(repo)}});
  });
  table.raw_request("seek/session/send", [this](const json& params, Reply reply) {
    std::string id, text;
    if (!string_param(params, "id", reply, id) || !string_param(params, "text", reply, text)) return;
    if (Status st = host_.send(id, text); !st.ok()) return fail(reply, st.error());
    reply.result(nullptr);
  });
  table.raw_request("seek/session/cancel", [this](const json& params, Reply reply) {
    std::string id;
    if (!string_param(params, "id", reply, id)) return;
    if (Status st = host_.cancel(id); !st.ok()) return fail(reply, st.error());
    reply.result(nullptr);
  });
  table.raw_request("seek/session/approve", [this](const json& params, Reply reply) {
    std::string id, request, decision;
    if (!string_param(params, "id", reply, id) || !string_param(params, "requestId", reply, request) ||
        !string_param(params, "decision", reply, decision)) {
      return;
    }
    if (Status st = host_.answer(id, request, decision); !st.ok()) return fail(reply, st.error());
    reply.result(nullptr);
  });
  table.raw_request("seek/session/undo", [this](const json& params, Reply reply) {
    std::string id;
    if (!string_param(params, "id", reply, id)) return;
    auto restored = host_.undo(id);
    if (!restored.ok()) return fail(reply, restored.error());
    reply.result(*restored);
  });
  // configure: {id, mode?, model?, approval?, name?} -> the header
  table.raw_request("seek/session/configure", [this](const json& params, Reply reply) {
    std::string id;
    if (!string_param(params, "id", reply, id)) return;
    json changes = params;
    changes.erase("id");
    auto header = host_.configure(id, changes);
    if (!header.ok()) return fail(reply, header.error());
    reply.result(*header);
  });
}

}  // namespace seek::lsp
