// Sessions that live in the daemon (Codex's thread manager, in small): each session is a
// transcript, its session file, and the runtime a factory builds from its settings (chat
// backend, tools, approval rules). Turns run on a thread of their own; every event goes to
// every watcher of the session, so an editor and a terminal can follow the same one. A
// watcher that can approve answers approval requests; with none, a call that needs asking
// is denied (and the denial goes back to the model). What the file holds is the truth:
// after a daemon restart, `open` reads the session back with the identical transcript.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "agent/agent_loop.h"
#include "agent/edit_journal.h"
#include "agent/session_store.h"
#include "base/result.h"
#include "engine/chat/chat_generator.h"
#include "tools/approval.h"
#include "tools/tool.h"

namespace seek::agent {

/// What one session runs with. The factory may subclass it to keep more alive (workspace).
struct SessionRuntime {
  virtual ~SessionRuntime() = default;
  std::unique_ptr<engine::ChatGenerator> backend;
  tools::ToolRegistry registry;
  tools::ApprovalPolicy policy;
  AgentConfig config;
  /// The settings as the runtime took them (a canonical repo path, defaults filled in):
  /// they go into the session header.
  nlohmann::json settings = nlohmann::json::object();
};

/// Builds a runtime from a session's settings (the header fields: repo, backend, base_url,
/// model, approval, sandbox, max_steps) and secrets (api_key), which are never stored.
/// An error here is the caller's to fix (kInvalidArgument: bad settings).
using RuntimeFactory =
    std::function<Result<std::unique_ptr<SessionRuntime>>(const nlohmann::json& settings, const nlohmann::json& secrets)>;

struct Watcher {
  /// Called with {"session_id", "seq", "event"} for each event, in order, from the turn's
  /// thread (or the caller's): keep it short and never call back into the host from it.
  std::function<void(const nlohmann::json& notification)> on_event;
  bool can_approve = false;
};

class SessionHost {
 public:
  explicit SessionHost(RuntimeFactory factory) : factory_(std::move(factory)) {}
  ~SessionHost() { stop(); }
  SessionHost(const SessionHost&) = delete;
  SessionHost& operator=(const SessionHost&) = delete;

  /// A new session from `settings` (plus "name" and "mode": chat|thinking|max). Returns
  /// its header, and "watcher" when `watcher` is given (it sees every event from the start).
  Result<nlohmann::json> create(const nlohmann::json& settings, const nlohmann::json& secrets,
                                std::optional<Watcher> watcher = std::nullopt);
  /// What create would say of `settings`, without creating anything (it may load the
  /// model, which later sessions then share).
  Status check(const nlohmann::json& settings, const nlohmann::json& secrets);
  /// A session by id, loaded from its file when it is not live: {"header", "transcript"
  /// (as synced), "running", "events" (of the turn in progress, for a late watcher)}, and
  /// "watcher" when `watcher` is given: it then gets exactly the events after "events".
  Result<nlohmann::json> open(const std::string& id, const nlohmann::json& secrets,
                              std::optional<Watcher> watcher = std::nullopt);
  void unwatch(std::uint64_t watcher_id);
  /// Starts a turn with the user's `text`; returns the seq of its turn_started event (the
  /// turn's events are the ones from there to its turn_done). kUnavailable while one runs.
  Result<std::uint64_t> send(const std::string& id, const std::string& text);
  Status cancel(const std::string& id);
  /// Answers an approval request: "yes", "no" or "always" (this tool, this session).
  Status answer(const std::string& id, const std::string& request_id, const std::string& decision);
  /// Changes "mode", "model", "approval" or "name"; returns the header.
  Result<nlohmann::json> configure(const std::string& id, const nlohmann::json& changes);
  /// Puts back the files of the session's last edit: {"restored": [paths]}.
  Result<nlohmann::json> undo(const std::string& id);
  /// The session files (optionally on `repo`), newest first, each with "live" and "running".
  std::vector<nlohmann::json> list(const std::optional<std::filesystem::path>& repo = std::nullopt);
  /// Cancels every turn and waits for them.
  void stop();

 private:
  struct Live;
  Result<std::shared_ptr<Live>> find(const std::string& id);
  std::uint64_t add_watcher(Live& live, Watcher watcher);  // under mutex_
  Status ensure_runtime(Live& live, const nlohmann::json& secrets);
  std::uint64_t emit(Live& live, nlohmann::json event);  // returns the event's seq
  std::optional<bool> ask(Live& live, const std::string& tool, const nlohmann::json& arguments);
  void run_turn(std::shared_ptr<Live> live, std::string text);
  RunOutcome run_steps(Live& live, const std::string& text);

  RuntimeFactory factory_;
  std::mutex mutex_;  // guards sessions_ and every Live's fields below its own mutex
  std::map<std::string, std::shared_ptr<Live>> sessions_;
  std::map<std::uint64_t, std::string> watcher_sessions_;
  std::uint64_t next_watcher_ = 1;
  bool stopping_ = false;
};

/// The agent config's reasoning fields for a mode: chat | thinking | max, or "" for the
/// backend's default.
Status apply_mode(AgentConfig& config, const std::string& mode);

}  // namespace seek::agent
