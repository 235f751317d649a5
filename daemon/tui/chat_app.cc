// The interactive terminal session (see chat_app.h): one RpcClient to the daemon, a
// LineReader for input, an EventRenderer for output, and the slash command table.
#include "daemon/tui/chat_app.h"

#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <memory>
#include <string>

#include "base/fs.h"
#include "daemon/client/daemon_launcher.h"
#include "daemon/client/rpc_client.h"
#include "daemon/user_config.h"
#include "daemon/tui/event_renderer.h"
#include "daemon/tui/line_reader.h"
#include "daemon/tui/slash_commands.h"
#include "tools/git_tools.h"

namespace seek::daemon::tui {
namespace {

namespace fs = std::filesystem;
using Json = nlohmann::json;
using namespace std::chrono_literals;

std::atomic<bool> g_turn_cancel{false};
std::atomic<bool> g_in_turn{false};
extern "C" void on_sigint(int) {
  if (g_in_turn) g_turn_cancel = true;  // during a turn Ctrl-C cancels it
  LineReader::note_interrupt();         // at a prompt it drops the line
}

class ChatApp {
 public:
  ChatApp(const ChatOptions& options, fs::path repo, AgentFlags flags, std::string api_key)
      : options_(options), repo_(std::move(repo)), flags_(std::move(flags)), api_key_(std::move(api_key)),
        reader_(history_file()) {}
  ~ChatApp();

  /// Starts (or finds) the daemon and opens an LSP session on it; an error ends `seek chat`.
  Status connect();
  int run();

 private:
  static std::optional<fs::path> history_file() {
    auto data = user_dir(UserDir::kData);
    return data.ok() ? std::optional<fs::path>(*data / "chat_history") : std::nullopt;
  }
  Json with_key(Json params) const {
    if (!api_key_.empty()) params["apiKey"] = api_key_;  // over the private socket only; never stored
    return params;
  }
  // A request to the daemon; turns and set-ups (a model load) may take minutes.
  Result<Json> call(std::string_view method, const Json& params, std::chrono::milliseconds timeout = 600s) {
    return server_->call(method, params, timeout);
  }
  bool open_session(const std::string& wanted);
  void answer_approval(const Json& event);
  bool follow_turn(std::uint64_t turn_seq);
  // A slash command; false when it ends the session.
  bool run_command(const ParsedCommand& parsed);
  void configure(const char* key, const std::string& value);
  // A message for the agent: a turn in the daemon, followed here. False when the daemon is gone.
  bool send_turn(const std::string& line, int& exit_code);

  const ChatOptions& options_;
  fs::path repo_;
  AgentFlags flags_;
  std::string api_key_;
  std::unique_ptr<RpcClient> server_;
  Json settings_;
  std::string id_;
  std::uint64_t last_seq_ = 0;
  EventRenderer renderer_;
  LineReader reader_;
};

ChatApp::~ChatApp() {
  if (server_ && server_->connected()) {
    // A polite end: the daemon's session ends with code 0 and its watchers go.
    (void)server_->call("shutdown", nullptr, 2s);
    server_->notify("exit", nullptr);
  }
}

Status ChatApp::connect() {
  // A daemon started here serves inline completion too: from a local chat model, which can
  // fill in the middle; a remote chat model may not (DeepSeek serves FIM apart, under /beta).
  BackendFlags daemon_model;
  if (flags_.backend == "local") daemon_model.model = flags_.model;
  const DaemonPaths paths = default_daemon_paths();
  if (!ensure_daemon(paths, daemon_model)) {
    return make_error(ErrorCode::kUnavailable, "the daemon could not be started; see " + paths.log.string());
  }
  SEEK_ASSIGN_OR_RETURN(server_, RpcClient::connect(paths.socket));
  SEEK_ASSIGN_OR_RETURN(Json init, server_->call("initialize", {{"processId", ::getpid()}, {"capabilities", Json::object()}}, 30s));
  if (!init.contains("capabilities") || !init["capabilities"].value("experimental", Json::object()).value("seekSessions", false)) {
    return make_error(ErrorCode::kUnsupported, "this daemon does not host agent sessions (an older seek is running: seek daemon stop)");
  }
  server_->notify("initialized", Json::object());
  return ok_status();
}

bool ChatApp::open_session(const std::string& wanted) {
  auto opened = call("seek/session/open", with_key({{"id", wanted}, {"watch", true}, {"canApprove", true}}));
  if (!opened.ok()) {
    std::fprintf(stderr, "seek chat: %s\n", opened.error().message.c_str());
    return false;
  }
  if (!id_.empty() && id_ != wanted) (void)call("seek/session/unwatch", {{"id", id_}});
  id_ = wanted;
  const Json& transcript = (*opened)["transcript"];
  print_transcript(transcript);
  std::printf("%sresumed session %s (%zu messages)%s\n", kDim, id_.c_str(), transcript.size(), kReset);
  last_seq_ = 0;
  for (const Json& note : (*opened)["events"]) last_seq_ = std::max<std::uint64_t>(last_seq_, note.value("seq", 0));
  return true;
}

// Approval answers: yes, no, or always for this tool (the daemon remembers it).
void ChatApp::answer_approval(const Json& e) {
  std::printf("\n%sallow %s%s %s? [y]es / [n]o / [a]lways for %s\n", kCyan, e.value("name", "").c_str(), kReset,
              safe_dump(e.value("arguments", Json::object())).substr(0, 300).c_str(), e.value("name", "").c_str());
  std::string answer;
  g_in_turn = false;  // a Ctrl-C here answers no, and does not cancel the turn
  const bool got = reader_.read("answer › ", answer) == LineReader::Result::kLine;
  g_in_turn = true;
  const std::string decision =
      !got ? "no" : (answer == "a" || answer == "always") ? "always" : (answer == "y" || answer == "yes") ? "yes" : "no";
  // Another client may have answered first; then this one is moot.
  (void)call("seek/session/approve", {{"id", id_}, {"requestId", e.value("request_id", "")}, {"decision", decision}});
}

// Shows the events of the turn that starts at `turn_seq` until it ends (or the daemon goes
// away). Events of other clients' turns, queued while this one sat at the prompt, are older
// and skipped.
bool ChatApp::follow_turn(std::uint64_t turn_seq) {
  bool cancel_sent = false;
  while (true) {
    if (g_turn_cancel && !cancel_sent) {
      (void)call("seek/session/cancel", {{"id", id_}});
      cancel_sent = true;
    }
    auto notification = server_->next_notification(50ms);
    if (!notification) {
      if (!server_->connected()) {
        std::fprintf(stderr, "\nseek chat: the daemon went away; `seek chat --resume %s` continues this session\n", id_.c_str());
        return false;
      }
      continue;
    }
    const Json& note = notification->params;
    if (!note.is_object() || note.value("session_id", "") != id_) continue;
    if (notification->method == "seek/session/overflow") {  // this terminal fell behind: catch up from the host
      std::printf("\n%s(output skipped: the terminal fell behind)%s\n", kDim, kReset);
      auto state = call("seek/session/open", {{"id", id_}, {"watch", true}, {"canApprove", true}});
      if (!state.ok() || !(*state)["running"].get<bool>()) return state.ok();
      // An approval request may have been among the dropped events: the turn waits for it.
      const Json* pending = nullptr;
      for (const Json& old : (*state)["events"]) {
        last_seq_ = std::max<std::uint64_t>(last_seq_, old.value("seq", 0));
        const std::string type = old["event"].value("type", "");
        if (type == "approval_request") pending = &old["event"];
        if (type == "approval") pending = nullptr;
      }
      if (pending) answer_approval(*pending);
      continue;
    }
    if (notification->method != "seek/session/event") continue;
    const std::uint64_t seq = note.value("seq", std::uint64_t{0});
    if (seq < turn_seq || seq <= last_seq_) continue;
    last_seq_ = seq;
    const Json& e = note["event"];
    if (e.value("type", "") == "approval_request") {
      answer_approval(e);
      continue;
    }
    renderer_.show(e);
    if (e.value("type", "") == "turn_done") return true;
  }
}

void ChatApp::configure(const char* key, const std::string& value) {
  if (id_.empty()) {  // no session yet: it starts with this setting
    settings_[key] = value;
    std::printf("%s%s: %s%s\n", kDim, key, value.c_str(), kReset);
    return;
  }
  auto header = call("seek/session/configure", {{"id", id_}, {key, value}});
  if (header.ok()) {
    std::printf("%s%s: %s%s\n", kDim, key, value.c_str(), kReset);
  } else {
    std::printf("%s%s%s\n", kRed, header.error().message.c_str(), kReset);
  }
}

bool ChatApp::run_command(const ParsedCommand& parsed) {
  if (!parsed.command) {
    std::printf("unknown command %s (/help)\n", parsed.name.c_str());
    return true;
  }
  const SlashCommand& command = *parsed.command;
  if (!command.argument.empty() && parsed.argument.empty()) {
    std::printf("usage: %s %s\n", std::string(command.name).c_str(), std::string(command.argument).c_str());
    return true;
  }
  switch (command.id) {
    case SlashCommandId::kQuit: return false;
    case SlashCommandId::kHelp: std::printf("%s", slash_help().c_str()); break;
    case SlashCommandId::kFold:
      std::printf("%sreasoning %s%s\n", kDim, renderer_.toggle_fold() ? "folded (one line per turn)" : "shown as it streams", kReset);
      break;
    case SlashCommandId::kReasoning: {
      const std::string& r = renderer_.last_reasoning();
      std::printf("%s%s%s\n", kDim, r.empty() ? "(no reasoning in the last turn)" : r.c_str(), kReset);
      break;
    }
    case SlashCommandId::kMode:
      if (parsed.argument == "chat" || parsed.argument == "thinking" || parsed.argument == "max") {
        configure("mode", parsed.argument);
      } else {
        std::printf("modes: chat, thinking, max\n");
      }
      break;
    case SlashCommandId::kModel: configure("model", parsed.argument); break;
    case SlashCommandId::kResume: open_session(parsed.argument); break;
    case SlashCommandId::kSessions: {
      auto listed = call("seek/session/list", {{"repo", repo_.string()}});
      if (!listed.ok()) break;
      for (const Json& session : (*listed)["sessions"]) {  // headers as SessionFile::list normalized them
        std::printf("%s  %3d messages  %s%s\n", session.value("id", "").c_str(), session.value("messages", 0),
                    session.value("name", "").c_str(), session.value("running", false) ? "  (running)" : "");
      }
      break;
    }
    case SlashCommandId::kDiff: {
      auto workspace = tools::Workspace::open(repo_);
      tools::ToolRegistry git;
      if (workspace.ok() && tools::register_git_tools(git, std::make_shared<const tools::Workspace>(std::move(*workspace))).ok()) {
        auto out = git.dispatch({"git_diff", Json::object()});
        std::printf("%s\n", out.ok() ? out->text.c_str() : out.error().message.c_str());
      }
      break;
    }
    case SlashCommandId::kUndo: {
      auto restored = id_.empty() ? Result<Json>(make_error(ErrorCode::kNotFound, "nothing to undo"))
                                  : call("seek/session/undo", {{"id", id_}});
      if (!restored.ok()) {
        std::printf("%s\n", restored.error().message.c_str());
        break;
      }
      for (const Json& p : (*restored)["restored"]) std::printf("%srestored %s%s\n", kDim, p.get<std::string>().c_str(), kReset);
      break;
    }
  }
  return true;
}

bool ChatApp::send_turn(const std::string& line, int& exit_code) {
  if (id_.empty()) {
    Json create = settings_;
    create.update({{"name", line.substr(0, 80)}, {"watch", true}, {"canApprove", true}});
    auto header = call("seek/session/create", with_key(create));
    if (!header.ok()) {
      std::fprintf(stderr, "seek chat: %s\n", header.error().message.c_str());
      exit_code = 1;
      return false;
    }
    id_ = (*header)["id"];
    last_seq_ = 0;
  }
  g_turn_cancel = false;
  g_in_turn = true;
  auto sent = call("seek/session/send", {{"id", id_}, {"text", line}});
  if (!sent.ok()) {
    g_in_turn = false;
    std::printf("%s%s%s\n", kRed, sent.error().message.c_str(), kReset);
    return true;
  }
  const bool alive = follow_turn(sent->value("seq", std::uint64_t{0}));
  g_in_turn = false;
  renderer_.end_reasoning();
  if (!alive) exit_code = 1;
  return alive;
}

int ChatApp::run() {
  settings_ = settings_of(flags_);
  settings_["mode"] = options_.mode;
  Json dry_run = settings_;
  dry_run["dryRun"] = true;
  if (auto checked = call("seek/session/create", with_key(dry_run)); !checked.ok()) {
    // The reply's message is the configuration error (bad flags, no model, bad repo).
    std::fprintf(stderr, "seek chat: %s\n", checked.error().message.c_str());
    return 2;
  }
  std::string resume = options_.resume;
  if (options_.last) {
    auto listed = call("seek/session/list", {{"repo", repo_.string()}});
    if (!listed.ok() || (*listed)["sessions"].empty()) {
      std::fprintf(stderr, "seek chat: no earlier session on %s\n", repo_.c_str());
      return 2;
    }
    resume = (*listed)["sessions"][0].value("id", "");
  }
  if (!resume.empty() && !open_session(resume)) return 2;

  struct sigaction sa{};
  sa.sa_handler = on_sigint;  // no SA_RESTART: a read at the prompt returns EINTR
  sigaction(SIGINT, &sa, nullptr);

  std::printf("seek chat on %s (%s). /help for commands.\n", repo_.c_str(), flags_.backend.c_str());
  int exit_code = 0;
  while (true) {
    std::string line;
    const LineReader::Result got = reader_.read("› ", line);
    if (got == LineReader::Result::kEof) break;
    if (got == LineReader::Result::kInterrupted) {  // Ctrl-C at the prompt drops the line only
      std::printf("%s(/quit leaves)%s\n", kDim, kReset);
      continue;
    }
    if (line.empty()) continue;
    reader_.remember(line);
    if (auto parsed = parse_slash_command(line)) {
      if (!run_command(*parsed)) break;
      continue;
    }
    if (!send_turn(line, exit_code)) return exit_code;
  }
  std::printf("%ssession %s%s\n", kDim, id_.empty() ? "(none)" : id_.c_str(), kReset);
  return exit_code;
}

}  // namespace

int run_chat_app(const ChatOptions& o) {
  std::error_code ec;
  const fs::path repo = fs::canonical(o.flags.repo.empty() ? fs::current_path() : fs::path(o.flags.repo), ec);
  if (ec || !fs::is_directory(repo)) {
    std::fprintf(stderr, "seek chat: --repo %s: not a directory\n", o.flags.repo.c_str());
    return 2;
  }
  AgentFlags flags = o.flags;
  flags.repo = repo.string();
  if (flags.backend == "local" && !flags.model.empty() && fs::exists(flags.model)) flags.model = fs::absolute(flags.model).string();
  if (Status checked = check_backend_flags(flags.backend, flags.base_url, flags.model); !checked.ok()) {
    std::fprintf(stderr, "seek chat: %s\n", checked.error().message.c_str());
    return 2;
  }
  std::string api_key = resolve_api_key([](const std::string& w) { std::fprintf(stderr, "seek chat: %s\n", w.c_str()); });
  ChatApp app(o, repo, std::move(flags), std::move(api_key));
  if (Status connected = app.connect(); !connected.ok()) {
    std::fprintf(stderr, "seek chat: %s\n", connected.error().message.c_str());
    return 1;
  }
  return app.run();
}

}  // namespace seek::daemon::tui
