// Sessions hosted by the daemon (see session_host.h).
#include "agent/session_host.h"

#include <deque>

#include <fmt/format.h>

#include <chrono>

namespace seek::agent {

using Json = nlohmann::json;

namespace {

// Events of a running turn kept for watchers that arrive late; beyond these, the oldest go.
constexpr std::size_t kTurnEventsKept = 20'000;
constexpr std::size_t kTurnBytesKept = 8u << 20;

Error not_found(const std::string& id) { return Error{ErrorCode::kNotFound, fmt::format("no open session {}", id)}; }

}  // namespace

struct SessionHost::Live {
  std::string id;
  Json header;
  Json transcript = Json::array();  // as the file holds it (synced after every step)
  std::optional<SessionFile> file;
  Json secrets = Json::object();  // memory only
  std::unique_ptr<SessionRuntime> runtime;
  std::unique_ptr<EditJournal> journal;  // this daemon's edits of the session, for undo
  std::thread turn;
  bool running = false;
  std::atomic<bool> cancel{false};
  std::deque<std::pair<Json, std::size_t>> turn_events;  // the running turn's, with their sizes
  std::size_t turn_bytes = 0;
  std::uint64_t seq = 0;
  std::map<std::uint64_t, Watcher> watchers;
  std::map<std::string, std::optional<std::string>> pending;  // approval request -> answer
  std::uint64_t next_request = 1;
  std::set<std::string> always;  // tools approved for the rest of this session
  std::condition_variable changed;
  std::mutex emit_mutex;  // watchers see events in seq order
};

Status apply_mode(AgentConfig& config, const std::string& mode) {
  if (mode.empty()) {  // the backend's own default
    config.thinking.reset();
    config.reasoning_effort.reset();
    return ok_status();
  }
  if (mode != "chat" && mode != "thinking" && mode != "max") {
    return make_error(ErrorCode::kInvalidArgument, fmt::format("mode must be chat, thinking or max, not '{}'", mode));
  }
  config.thinking = mode != "chat";
  config.reasoning_effort = mode == "max" ? std::optional<std::string>("max") : std::nullopt;
  return ok_status();
}

Status check_settings(const Json& settings) {
  if (!settings.is_object()) return make_error(ErrorCode::kInvalidArgument, "settings must be an object");
  for (const auto& [key, value] : settings.items()) {
    if (key == "max_steps") {
      if (!value.is_number_integer()) return make_error(ErrorCode::kInvalidArgument, "max_steps must be an integer");
      continue;
    }
    if (key != "repo" && key != "backend" && key != "base_url" && key != "model" && key != "approval" && key != "sandbox" &&
        key != "name" && key != "mode") {
      return make_error(ErrorCode::kInvalidArgument,
                        fmt::format("unknown session setting '{}' (repo, backend, base_url, model, approval, sandbox, "
                                    "max_steps, name, mode)",
                                    key));
    }
    if (!value.is_string()) return make_error(ErrorCode::kInvalidArgument, fmt::format("{} must be a string", key));
  }
  AgentConfig probe;
  return apply_mode(probe, settings.value("mode", ""));
}

Result<Json> SessionHost::create(const Json& settings, const Json& secrets, std::optional<Watcher> watcher) {
  SEEK_RETURN_IF_ERROR(check_settings(settings));
  Json header = settings;
  const std::string mode = header.value("mode", "");
  SEEK_ASSIGN_OR_RETURN(std::unique_ptr<SessionRuntime> runtime, factory_(header, secrets));
  SEEK_RETURN_IF_ERROR(apply_mode(runtime->config, mode));
  header.update(runtime->settings);
  header["id"] = SessionFile::new_id();
  header["mode"] = mode;
  header["version"] = 1;
  header["created"] = std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
  if (!header.contains("name")) header["name"] = "";
  SEEK_ASSIGN_OR_RETURN(SessionFile file, SessionFile::create(header));
  auto live = std::make_shared<Live>();
  live->id = header["id"];
  live->header = header;
  live->file.emplace(std::move(file));
  live->secrets = secrets.is_object() ? secrets : Json::object();
  live->runtime = std::move(runtime);
  std::lock_guard lock(mutex_);
  if (stopping_) return make_error(ErrorCode::kUnavailable, "the daemon is stopping");
  sessions_[live->id] = live;
  if (watcher) header["watcher"] = add_watcher(*live, std::move(*watcher));
  return header;
}

Status SessionHost::check(const Json& settings, const Json& secrets) {
  SEEK_RETURN_IF_ERROR(check_settings(settings));
  SEEK_ASSIGN_OR_RETURN(std::unique_ptr<SessionRuntime> runtime, factory_(settings, secrets));
  return ok_status();
}

Result<Json> SessionHost::open(const std::string& id, const Json& secrets, std::optional<Watcher> watcher) {
  std::lock_guard lock(mutex_);
  if (stopping_) return make_error(ErrorCode::kUnavailable, "the daemon is stopping");
  auto it = sessions_.find(id);
  if (it == sessions_.end()) {
    SEEK_ASSIGN_OR_RETURN(auto opened, SessionFile::open(id));
    auto live = std::make_shared<Live>();
    live->id = id;
    live->header = std::move(opened.second.header);
    live->transcript = std::move(opened.second.transcript);
    live->file.emplace(std::move(opened.first));
    it = sessions_.emplace(id, std::move(live)).first;
  }
  Live& live = *it->second;
  if (secrets.is_object() && !secrets.empty()) {
    live.secrets = secrets;
    if (!live.running) live.runtime.reset();  // rebuilt with the new secrets on the next turn
  }
  Json events = Json::array();
  for (const auto& [note, bytes] : live.turn_events) events.push_back(note);
  Json state = {{"header", live.header}, {"transcript", live.transcript}, {"running", live.running}, {"events", std::move(events)}};
  if (watcher) state["watcher"] = add_watcher(live, std::move(*watcher));
  return state;
}

std::uint64_t SessionHost::add_watcher(Live& live, Watcher watcher) {
  const std::uint64_t wid = next_watcher_++;
  live.watchers.emplace(wid, std::move(watcher));
  watcher_sessions_[wid] = live.id;
  return wid;
}

void SessionHost::unwatch(std::uint64_t watcher_id) {
  std::lock_guard lock(mutex_);
  auto w = watcher_sessions_.find(watcher_id);
  if (w == watcher_sessions_.end()) return;
  if (auto it = sessions_.find(w->second); it != sessions_.end()) {
    it->second->watchers.erase(watcher_id);
    it->second->changed.notify_all();  // an approval may have lost its last approver
  }
  watcher_sessions_.erase(w);
}

Result<std::shared_ptr<SessionHost::Live>> SessionHost::find(const std::string& id) {
  auto it = sessions_.find(id);
  if (it == sessions_.end()) return not_found(id);
  return it->second;
}

Result<std::uint64_t> SessionHost::send(const std::string& id, const std::string& text) {
  if (text.empty()) return make_error(ErrorCode::kInvalidArgument, "the message is empty");
  std::shared_ptr<Live> live;
  {
    std::lock_guard lock(mutex_);
    if (stopping_) return make_error(ErrorCode::kUnavailable, "the daemon is stopping");
    SEEK_ASSIGN_OR_RETURN(live, find(id));
    if (live->running) return make_error(ErrorCode::kUnavailable, fmt::format("session {} is running a turn", id));
    if (live->turn.joinable()) live->turn.join();  // it emitted turn_done and touches nothing now
    live->running = true;  // from here on, nobody else starts a turn or reconfigures
    live->cancel = false;
    live->turn_events.clear();
    live->turn_bytes = 0;
  }
  // turn_started is emitted here, so the caller learns where its turn's events begin.
  const std::uint64_t seq = emit(*live, {{"type", "turn_started"}, {"text", text}});
  {
    std::lock_guard lock(mutex_);
    if (!stopping_) {
      live->turn = std::thread([this, live, text] { run_turn(live, text); });
      return seq;
    }
  }
  // The daemon began stopping in between: the started turn ends at once, and says so.
  emit(*live, {{"type", "turn_done"}, {"status", "cancelled"}, {"reason", "cancelled"}, {"error", ""}});
  return make_error(ErrorCode::kUnavailable, "the daemon is stopping");
}

Status SessionHost::cancel(const std::string& id) {
  std::lock_guard lock(mutex_);
  SEEK_ASSIGN_OR_RETURN(std::shared_ptr<Live> live, find(id));
  live->cancel = true;
  live->changed.notify_all();
  return ok_status();
}

Status SessionHost::answer(const std::string& id, const std::string& request_id, const std::string& decision) {
  if (decision != "yes" && decision != "no" && decision != "always") {
    return make_error(ErrorCode::kInvalidArgument, "decision must be yes, no or always");
  }
  std::lock_guard lock(mutex_);
  SEEK_ASSIGN_OR_RETURN(std::shared_ptr<Live> live, find(id));
  auto it = live->pending.find(request_id);
  if (it == live->pending.end() || it->second) {
    return make_error(ErrorCode::kNotFound, fmt::format("no approval request {} is waiting", request_id));
  }
  it->second = decision;
  live->changed.notify_all();
  return ok_status();
}

Result<Json> SessionHost::configure(const std::string& id, const Json& changes) {
  if (!changes.is_object()) return make_error(ErrorCode::kInvalidArgument, "changes must be an object");
  Json accepted = Json::object();
  for (const auto& [key, value] : changes.items()) {
    if (key != "mode" && key != "model" && key != "approval" && key != "name") {
      return make_error(ErrorCode::kInvalidArgument, fmt::format("'{}' cannot be changed (mode, model, approval, name)", key));
    }
    if (!value.is_string()) return make_error(ErrorCode::kInvalidArgument, fmt::format("'{}' must be a string", key));
    accepted[key] = value;
  }
  if (accepted.contains("mode")) {
    AgentConfig probe;
    SEEK_RETURN_IF_ERROR(apply_mode(probe, accepted["mode"].get<std::string>()));
  }
  if (accepted.contains("approval")) {
    const std::string a = accepted["approval"];
    if (a != "never" && a != "on-request" && a != "untrusted") {
      return make_error(ErrorCode::kInvalidArgument, "approval must be never, on-request or untrusted");
    }
  }
  std::lock_guard lock(mutex_);
  SEEK_ASSIGN_OR_RETURN(std::shared_ptr<Live> live, find(id));
  if (live->running) return make_error(ErrorCode::kUnavailable, "wait for the turn to end (or cancel it) first");
  SEEK_RETURN_IF_ERROR(live->file->update_header(accepted));
  live->header.update(accepted);
  if (accepted.contains("model") || accepted.contains("approval")) {
    live->runtime.reset();  // rebuilt from the header on the next turn
  } else if (accepted.contains("mode") && live->runtime) {
    SEEK_RETURN_IF_ERROR(apply_mode(live->runtime->config, accepted["mode"].get<std::string>()));
  }
  return live->header;
}

Result<Json> SessionHost::undo(const std::string& id) {
  std::lock_guard lock(mutex_);
  SEEK_ASSIGN_OR_RETURN(std::shared_ptr<Live> live, find(id));
  if (live->running) return make_error(ErrorCode::kUnavailable, "wait for the turn to end (or cancel it) first");
  if (!live->journal) return make_error(ErrorCode::kNotFound, "no edit to undo");
  SEEK_ASSIGN_OR_RETURN(std::vector<std::string> restored, live->journal->undo_last());
  return Json{{"restored", restored}};
}

std::vector<Json> SessionHost::list(const std::optional<std::filesystem::path>& repo) {
  std::vector<Json> sessions = SessionFile::list(repo);
  std::lock_guard lock(mutex_);
  for (Json& s : sessions) {
    auto it = sessions_.find(s.value("id", ""));
    s["live"] = it != sessions_.end();
    s["running"] = it != sessions_.end() && it->second->running;
  }
  return sessions;
}

void SessionHost::stop() {
  std::vector<std::thread> turns;
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
    for (auto& [id, live] : sessions_) {
      live->cancel = true;
      live->changed.notify_all();
      if (live->turn.joinable()) turns.push_back(std::move(live->turn));
    }
  }
  for (std::thread& t : turns) t.join();
}

std::uint64_t SessionHost::emit(Live& live, Json event) {
  std::lock_guard order(live.emit_mutex);
  std::vector<std::function<void(const Json&)>> targets;
  Json note;
  std::uint64_t seq;
  {
    std::lock_guard lock(mutex_);
    const bool done = event.value("type", "") == "turn_done";
    seq = ++live.seq;
    note = {{"session_id", live.id}, {"seq", seq}, {"event", std::move(event)}};
    if (done) {
      // The turn is over the moment its end is announced: a watcher acting on turn_done
      // (send, undo, configure) must find the session idle.
      live.running = false;
      live.turn_events.clear();
      live.turn_bytes = 0;
    } else {
      const std::size_t bytes = safe_dump(note).size();
      live.turn_events.emplace_back(note, bytes);
      live.turn_bytes += bytes;
      while (live.turn_events.size() > 1 && (live.turn_events.size() > kTurnEventsKept || live.turn_bytes > kTurnBytesKept)) {
        live.turn_bytes -= live.turn_events.front().second;
        live.turn_events.pop_front();
      }
    }
    for (const auto& [wid, w] : live.watchers) targets.push_back(w.on_event);
  }
  for (const auto& target : targets) {
    if (target) target(note);
  }
  return seq;
}

std::optional<bool> SessionHost::ask(Live& live, const std::string& tool, const Json& arguments) {
  std::string request_id;
  {
    std::lock_guard lock(mutex_);
    if (live.always.count(tool) && escalation_of(arguments).empty()) return true;
    bool approver = false;
    for (const auto& [wid, w] : live.watchers) approver = approver || w.can_approve;
    if (!approver) return std::nullopt;
    request_id = fmt::format("approval-{}", live.next_request++);
    live.pending[request_id] = std::nullopt;
  }
  emit(live, {{"type", "approval_request"}, {"request_id", request_id}, {"name", tool}, {"arguments", arguments}});
  std::unique_lock lock(mutex_);
  live.changed.wait(lock, [&] {
    bool approver = false;
    for (const auto& [wid, w] : live.watchers) approver = approver || w.can_approve;
    return live.pending[request_id].has_value() || live.cancel.load() || stopping_ || !approver;
  });
  const std::optional<std::string> decision = live.pending[request_id];
  live.pending.erase(request_id);
  if (!decision) return std::nullopt;  // cancelled, stopping, or every approver left
  if (*decision == "always" && escalation_of(arguments).empty()) live.always.insert(tool);
  return *decision != "no";
}

void SessionHost::run_turn(std::shared_ptr<Live> live, std::string text) {
  RunOutcome outcome;
  try {
    outcome = run_steps(*live, text);
  } catch (const std::exception& e) {  // a bug, or a hand-edited session file: the daemon stays up
    outcome = {RunStatus::kFailed, {}, std::string("internal error: ") + e.what()};
    emit(*live, {{"type", "error"}, {"message", outcome.error}});
  }
  // The last thing this thread does: after turn_done, send() may join it at any time.
  emit(*live, {{"type", "turn_done"},
               {"status", done_status(outcome.status)},
               {"reason", to_string(outcome.status)},
               {"error", outcome.error},
               {"usage", usage_json(outcome.usage)}});
}

RunOutcome SessionHost::run_steps(Live& live, const std::string& text) {
  Json work, header, secrets;
  {
    std::lock_guard lock(mutex_);
    work = live.transcript;
    header = live.header;
    secrets = live.secrets;
  }
  if (!live.runtime) {  // only this thread touches the runtime while the turn runs
    auto built = factory_(header, secrets);
    if (built.ok()) {
      const Json mode = header.value("mode", Json(""));
      if (Status st = apply_mode((*built)->config, mode.is_string() ? mode.get<std::string>() : "?"); !st.ok()) built = st.error();
    }
    if (!built.ok()) {
      emit(live, {{"type", "error"}, {"message", built.error().message}});
      return {RunStatus::kFailed, {}, built.error().message};
    }
    live.runtime = std::move(*built);
  }
  if (!live.journal) {
    const Json repo = header.value("repo", Json(""));
    auto workspace = tools::Workspace::open(repo.is_string() ? repo.get<std::string>() : "");
    if (workspace.ok()) live.journal = std::make_unique<EditJournal>(std::move(*workspace));
  }
  SessionRuntime& rt = *live.runtime;
  AgentConfig config = rt.config;
  config.ask = [this, &live](const std::string& tool, const Json& args) { return ask(live, tool, args); };
  if (live.journal) {
    config.before_tool = [journal = live.journal.get()](const std::string& tool, const Json& args) { journal->before(tool, args); };
    config.after_tool = [journal = live.journal.get()](const std::string&, const Json&, bool succeeded) { journal->after(succeeded); };
  }
  AgentLoop loop(*rt.backend, rt.registry, rt.policy, std::move(config));
  const auto sync = [&](const Json& transcript) {
    if (Status st = live.file->sync(transcript); !st.ok()) {
      // Reported every time; the file catches up (a full transcript line) on the next sync.
      emit(live, {{"type", "error"}, {"message", "the session file: " + st.error().message}});
      return;
    }
    {
      std::lock_guard lock(mutex_);
      live.transcript = transcript;
    }
    emit(live, {{"type", "transcript_synced"}, {"messages", transcript.size()}});
  };
  RunOutcome outcome = loop.run(text, work, [&](const Json& e) { emit(live, e); }, live.cancel, sync);
  sync(work);
  return outcome;
}

}  // namespace seek::agent
