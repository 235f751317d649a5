// The interactive terminal session (see chat_session.h).
#include "daemon/chat_session.h"

#include "daemon/line_editor.h"
#include "daemon/session_client.h"
#include "daemon/user_config.h"
#include "engine/remote/remote_backend.h"
#include "tools/git_tools.h"

#include <fmt/format.h>
#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <algorithm>
#include <chrono>
#include <sstream>
#include <string>

namespace seek::daemon {
namespace {

namespace fs = std::filesystem;
using Json = nlohmann::json;

std::atomic<bool> g_turn_cancel{false};
std::atomic<bool> g_in_turn{false};
extern "C" void on_sigint(int) {
  if (g_in_turn) g_turn_cancel = true;  // at the prompt, Ctrl-C only interrupts the read
}

constexpr const char* kDim = "\x1b[2m";
constexpr const char* kReset = "\x1b[0m";
constexpr const char* kRed = "\x1b[31m";
constexpr const char* kGreen = "\x1b[32m";
constexpr const char* kCyan = "\x1b[36m";

// Prints a patch or an edit as a coloured diff.
void print_diff(const Json& args) {
  std::string text;
  if (args.contains("patch") && args["patch"].is_string()) {
    text = args["patch"].get<std::string>();
  } else if (args.contains("old_string") && args.contains("new_string")) {
    std::istringstream a(args.value("old_string", "")), b(args.value("new_string", ""));
    for (std::string l; std::getline(a, l);) text += "-" + l + "\n";
    for (std::string l; std::getline(b, l);) text += "+" + l + "\n";
  }
  std::istringstream in(text);
  for (std::string l; std::getline(in, l);) {
    const char* color = l.starts_with("+") ? kGreen : l.starts_with("-") ? kRed : kDim;
    std::printf("  %s%s%s\n", color, l.c_str(), kReset);
  }
}

// Prints one session event (the same events `seek run --json` writes, plus the host's).
class Renderer {
 public:
  void show(const Json& e) {
    const std::string type = e.value("type", "");
    if (type == "turn_started") last_reasoning_.clear();
    if (type == "reasoning_delta") {
      const std::string text = e.value("text", "");
      last_reasoning_ += text;
      if (!in_reasoning_) std::printf("%s%s", kDim, fold_ ? "▸ thinking…" : "");
      in_reasoning_ = true;
      if (!fold_) std::printf("%s", text.c_str());
      std::fflush(stdout);
      return;
    }
    end_reasoning();
    if (type == "assistant_delta") std::printf("%s", e.value("text", "").c_str());
    if (type == "tool_call") {
      std::printf("\n%s→ %s%s\n", kCyan, e.value("name", "").c_str(), kReset);
      if (e.contains("arguments") && e["arguments"].is_object()) print_diff(e["arguments"]);
    }
    if (type == "tool_result") {
      std::string out = e.value("output", "");
      if (out.size() > 600) out = out.substr(0, 600) + "…";
      std::printf("%s%s%s\n", e.value("is_error", false) ? kRed : kDim, out.c_str(), kReset);
    }
    if (type == "approval" && e.value("decision", "") == "denied") std::printf("%sdenied%s\n", kRed, kReset);
    if (type == "error") std::printf("%serror: %s%s\n", kRed, e.value("message", "").c_str(), kReset);
    if (type == "compaction") std::printf("%s(compacted %d earlier messages)%s\n", kDim, e.value("removed_messages", 0), kReset);
    if (type == "turn_done") {
      const std::string status = e.value("reason", e.value("status", ""));
      std::printf("\n%s[%s]%s\n", kDim, status.c_str(), kReset);
    }
    std::fflush(stdout);
  }
  void end_reasoning() {
    if (in_reasoning_ && fold_) std::printf(" (%zu characters; /reasoning shows them)", last_reasoning_.size());
    if (in_reasoning_) std::printf("%s\n", kReset);
    in_reasoning_ = false;
  }
  bool toggle_fold() { return fold_ = !fold_; }
  const std::string& last_reasoning() const { return last_reasoning_; }

 private:
  bool fold_ = false;  // reasoning folded to one line while it streams
  std::string last_reasoning_;  // of the latest turn, for /reasoning
  bool in_reasoning_ = false;
};

// Shows a resumed transcript briefly: the user's messages and the assistant's answers.
void print_transcript(const Json& transcript) {
  for (const Json& m : transcript) {
    const std::string role = m.value("role", "");
    const std::string content = m.contains("content") && m["content"].is_string() ? m["content"].get<std::string>() : "";
    if (role == "user") std::printf("› %s\n", content.c_str());
    if (role == "assistant" && !content.empty()) std::printf("%s\n", content.c_str());
    if (role == "assistant" && m.contains("tool_calls")) {
      for (const Json& c : m["tool_calls"]) std::printf("%s→ %s%s\n", kCyan, c["function"].value("name", "").c_str(), kReset);
    }
  }
}

}  // namespace

int run_chat(const ChatOptions& o) {
  std::error_code ec;
  const fs::path repo = fs::canonical(o.flags.repo.empty() ? fs::current_path() : fs::path(o.flags.repo), ec);
  if (ec || !fs::is_directory(repo)) {
    std::fprintf(stderr, "seek chat: --repo %s: not a directory\n", o.flags.repo.c_str());
    return 2;
  }
  AgentFlags flags = o.flags;
  flags.repo = repo.string();
  if (flags.backend == "local" && !flags.model.empty() && fs::exists(flags.model)) flags.model = fs::absolute(flags.model).string();
  const std::string api_key = resolve_api_key([](const std::string& w) { std::fprintf(stderr, "seek chat: %s\n", w.c_str()); });
  const auto with_key = [&](Json params) {
    if (!api_key.empty()) params["apiKey"] = api_key;  // over the private socket only; never stored
    return params;
  };

  if (Status checked = check_backend_flags(flags.backend, flags.base_url, flags.model); !checked.ok()) {
    std::fprintf(stderr, "seek chat: %s\n", checked.error().message.c_str());
    return 2;
  }
  // A daemon started here serves inline completion too: from a local chat model, which can
  // fill in the middle; a remote chat model may not (DeepSeek serves FIM apart, under /beta).
  DaemonModel daemon_model;
  if (flags.backend == "local") daemon_model.model = flags.model;
  auto connected = SessionClient::connect(default_daemon_paths(), daemon_model);
  if (!connected.ok()) {
    std::fprintf(stderr, "seek chat: %s\n", connected.error().message.c_str());
    return 1;
  }
  SessionClient& server = **connected;
  Json settings = settings_of(flags);
  settings["mode"] = o.mode;
  Json dry_run = settings;
  dry_run["dryRun"] = true;
  if (auto checked = server.call("seek/session/create", with_key(dry_run)); !checked.ok()) {
    // The reply's message is the configuration error (bad flags, no model, bad repo).
    std::fprintf(stderr, "seek chat: %s\n", checked.error().message.c_str());
    return 2;
  }

  std::string id;
  std::uint64_t last_seq = 0;
  Renderer renderer;
  const auto open_session = [&](const std::string& wanted) -> bool {
    auto opened = server.call("seek/session/open", with_key({{"id", wanted}, {"watch", true}, {"canApprove", true}}));
    if (!opened.ok()) {
      std::fprintf(stderr, "seek chat: %s\n", opened.error().message.c_str());
      return false;
    }
    if (!id.empty() && id != wanted) (void)server.call("seek/session/unwatch", {{"id", id}});
    id = wanted;
    const Json& transcript = (*opened)["transcript"];
    print_transcript(transcript);
    std::printf("%sresumed session %s (%zu messages)%s\n", kDim, id.c_str(), transcript.size(), kReset);
    last_seq = 0;
    for (const Json& note : (*opened)["events"]) last_seq = std::max<std::uint64_t>(last_seq, note.value("seq", 0));
    return true;
  };
  std::string resume = o.resume;
  if (o.last) {
    auto listed = server.call("seek/session/list", {{"repo", repo.string()}});
    if (!listed.ok() || (*listed)["sessions"].empty()) {
      std::fprintf(stderr, "seek chat: no earlier session on %s\n", repo.c_str());
      return 2;
    }
    resume = (*listed)["sessions"][0].value("id", "");
  }
  if (!resume.empty() && !open_session(resume)) return 2;

  struct sigaction sa {};
  sa.sa_handler = on_sigint;  // no SA_RESTART: a read at the prompt returns EINTR
  sigaction(SIGINT, &sa, nullptr);

  LineEditor editor;
  // Approval answers: yes, no, or always for this tool (the daemon remembers it).
  const auto answer_approval = [&](const Json& e) {
    std::printf("\n%sallow %s%s %s? [y]es / [n]o / [a]lways for %s\n", kCyan, e.value("name", "").c_str(), kReset,
                safe_dump(e.value("arguments", Json::object())).substr(0, 300).c_str(), e.value("name", "").c_str());
    std::string answer;
    g_in_turn = false;  // a Ctrl-C here answers no, and does not cancel the turn
    const bool got = editor.read("answer › ", answer) == LineEditor::Result::kLine;
    g_in_turn = true;
    const std::string decision = !got ? "no" : (answer == "a" || answer == "always") ? "always" : (answer == "y" || answer == "yes") ? "yes" : "no";
    // Another client may have answered first; then this one is moot.
    (void)server.call("seek/session/approve", {{"id", id}, {"requestId", e.value("request_id", "")}, {"decision", decision}});
  };
  // Shows the events of the turn that starts at `turn_seq` until it ends (or the daemon
  // goes away). Events of other clients' turns, queued while this one sat at the prompt,
  // are older and skipped.
  const auto follow_turn = [&](std::uint64_t turn_seq) -> bool {
    bool cancel_sent = false;
    while (true) {
      if (g_turn_cancel && !cancel_sent) {
        (void)server.call("seek/session/cancel", {{"id", id}});
        cancel_sent = true;
      }
      auto note = server.next_event(std::chrono::milliseconds(50));
      if (!note) {
        if (!server.connected()) {
          std::fprintf(stderr, "\nseek chat: the daemon went away; `seek chat --resume %s` continues this session\n", id.c_str());
          return false;
        }
        continue;
      }
      if (note->value("session_id", "") != id) continue;
      if (note->value("overflow", false)) {  // this terminal fell behind: catch up from the host
        std::printf("\n%s(output skipped: the terminal fell behind)%s\n", kDim, kReset);
        auto state = server.call("seek/session/open", {{"id", id}, {"watch", true}, {"canApprove", true}});
        if (!state.ok() || !(*state)["running"].get<bool>()) return state.ok();
        // An approval request may have been among the dropped events: the turn waits for it.
        const Json* pending = nullptr;
        for (const Json& old : (*state)["events"]) {
          last_seq = std::max<std::uint64_t>(last_seq, old.value("seq", 0));
          const std::string type = old["event"].value("type", "");
          if (type == "approval_request") pending = &old["event"];
          if (type == "approval") pending = nullptr;
        }
        if (pending) answer_approval(*pending);
        continue;
      }
      const std::uint64_t seq = note->value("seq", std::uint64_t{0});
      if (seq < turn_seq || seq <= last_seq) continue;
      last_seq = seq;
      const Json& e = (*note)["event"];
      if (e.value("type", "") == "approval_request") {
        answer_approval(e);
        continue;
      }
      renderer.show(e);
      if (e.value("type", "") == "turn_done") return true;
    }
  };

  std::printf("seek chat on %s (%s). /help for commands.\n", repo.c_str(), flags.backend.c_str());
  while (true) {
    std::string line;
    const LineEditor::Result got = editor.read("› ", line);
    if (got == LineEditor::Result::kEof) break;
    if (got == LineEditor::Result::kInterrupted) {  // Ctrl-C at the prompt drops the line only
      std::printf("%s(/quit leaves)%s\n", kDim, kReset);
      continue;
    }
    if (line.empty()) continue;
    editor.remember(line);
    if (line == "/quit" || line == "/exit") break;
    if (line == "/help") {
      std::printf("/mode chat|thinking|max  /model NAME  /resume ID  /sessions  /diff  /undo  /fold  /reasoning  /quit\n");
      continue;
    }
    if (line == "/fold") {
      std::printf("%sreasoning %s%s\n", kDim, renderer.toggle_fold() ? "folded (one line per turn)" : "shown as it streams", kReset);
      continue;
    }
    if (line == "/reasoning") {
      const std::string& r = renderer.last_reasoning();
      std::printf("%s%s%s\n", kDim, r.empty() ? "(no reasoning in the last turn)" : r.c_str(), kReset);
      continue;
    }
    const auto configure = [&](const char* key, const std::string& value) {
      if (id.empty()) {  // no session yet: it starts with this setting
        settings[key] = value;
        std::printf("%s%s: %s%s\n", kDim, key, value.c_str(), kReset);
        return;
      }
      auto header = server.call("seek/session/configure", {{"id", id}, {key, value}});
      if (header.ok()) {
        std::printf("%s%s: %s%s\n", kDim, key, value.c_str(), kReset);
      } else {
        std::printf("%s%s%s\n", kRed, header.error().message.c_str(), kReset);
      }
    };
    if (line.starts_with("/mode ")) {
      const std::string mode = line.substr(6);
      if (mode == "chat" || mode == "thinking" || mode == "max") {
        configure("mode", mode);
      } else {
        std::printf("modes: chat, thinking, max\n");
      }
      continue;
    }
    if (line.starts_with("/model ")) {
      configure("model", line.substr(7));
      continue;
    }
    if (line.starts_with("/resume ")) {
      open_session(line.substr(8));
      continue;
    }
    if (line == "/sessions") {
      auto listed = server.call("seek/session/list", {{"repo", repo.string()}});
      if (listed.ok()) {
        for (const Json& session : (*listed)["sessions"]) {  // headers as SessionFile::list normalized them
          std::printf("%s  %3d messages  %s%s\n", session.value("id", "").c_str(), session.value("messages", 0),
                      session.value("name", "").c_str(), session.value("running", false) ? "  (running)" : "");
        }
      }
      continue;
    }
    if (line == "/diff") {
      auto workspace = tools::Workspace::open(repo);
      tools::ToolRegistry git;
      if (workspace.ok() && tools::register_git_tools(git, std::make_shared<const tools::Workspace>(std::move(*workspace))).ok()) {
        auto out = git.dispatch({"git_diff", Json::object()});
        std::printf("%s\n", out.ok() ? out->text.c_str() : out.error().message.c_str());
      }
      continue;
    }
    if (line == "/undo") {
      auto restored = id.empty() ? Result<Json>(make_error(ErrorCode::kNotFound, "nothing to undo"))
                                 : server.call("seek/session/undo", {{"id", id}});
      if (!restored.ok()) {
        std::printf("%s\n", restored.error().message.c_str());
        continue;
      }
      for (const Json& p : (*restored)["restored"]) std::printf("%srestored %s%s\n", kDim, p.get<std::string>().c_str(), kReset);
      continue;
    }
    if (line.starts_with("/")) {
      std::printf("unknown command %s (/help)\n", line.c_str());
      continue;
    }

    // A turn, in the daemon; this terminal follows its events.
    if (id.empty()) {
      Json create = settings;
      create.update({{"name", line.substr(0, 80)}, {"watch", true}, {"canApprove", true}});
      auto header = server.call("seek/session/create", with_key(create));
      if (!header.ok()) {
        std::fprintf(stderr, "seek chat: %s\n", header.error().message.c_str());
        return 1;
      }
      id = (*header)["id"];
      last_seq = 0;
    }
    g_turn_cancel = false;
    g_in_turn = true;
    auto sent = server.call("seek/session/send", {{"id", id}, {"text", line}});
    if (!sent.ok()) {
      g_in_turn = false;
      std::printf("%s%s%s\n", kRed, sent.error().message.c_str(), kReset);
      continue;
    }
    const bool alive = follow_turn(sent->value("seq", std::uint64_t{0}));
    g_in_turn = false;
    renderer.end_reasoning();
    if (!alive) return 1;
  }
  std::printf("%ssession %s%s\n", kDim, id.empty() ? "(none)" : id.c_str(), kReset);
  return 0;
}

}  // namespace seek::daemon
