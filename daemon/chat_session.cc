// The interactive terminal session (see chat_session.h).
#include "daemon/chat_session.h"

#include <fmt/format.h>
#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <set>
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

// Files a mutating call will touch (for /undo): "path", or the files a patch names.
std::vector<std::string> touched_paths(const Json& args) {
  std::vector<std::string> paths;
  if (args.contains("path") && args["path"].is_string()) paths.push_back(args["path"].get<std::string>());
  if (args.contains("patch") && args["patch"].is_string()) {
    std::istringstream in(args["patch"].get<std::string>());
    for (std::string l; std::getline(in, l);) {
      for (const char* marker : {"*** Update File: ", "*** Add File: ", "*** Delete File: "}) {
        if (l.starts_with(marker)) paths.push_back(l.substr(std::string(marker).size()));
      }
    }
  }
  return paths;
}

// What /undo restores: each file's content before the last edit (nullopt: it did not exist).
struct UndoRecord {
  std::vector<std::pair<fs::path, std::optional<std::string>>> files;
};

std::optional<std::string> read_file(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  if (!in) return std::nullopt;
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

bool read_line(std::string& line) {
  line.clear();
  char c;
  while (true) {
    const ssize_t n = ::read(STDIN_FILENO, &c, 1);
    if (n == 1) {
      if (c == '\n') return true;
      line += c;
      continue;
    }
    if (n < 0 && errno == EINTR) {  // Ctrl-C at the prompt: drop what was typed
      line.clear();
      std::printf("\n(/quit leaves)\n› ");
      std::fflush(stdout);
      continue;
    }
    return !line.empty();  // EOF
  }
}

}  // namespace

int run_chat(const ChatOptions& o) {
  auto setup = make_agent_setup(o.flags, "chat");
  if (!setup.ok()) {
    std::fprintf(stderr, "seek chat: %s\n", setup.error().message.c_str());
    return 2;
  }
  AgentSetup& s = **setup;
  Json transcript = Json::array();
  std::optional<SessionFile> session;
  std::string id;
  const auto open_session = [&](const std::string& wanted) -> bool {
    auto opened = SessionFile::open(wanted);
    if (!opened.ok()) {
      std::fprintf(stderr, "seek chat: %s\n", opened.error().message.c_str());
      return false;
    }
    id = wanted;
    transcript = std::move(opened->second.second);
    session.emplace(std::move(opened->first));
    std::printf("%sresumed session %s (%zu messages)%s\n", kDim, id.c_str(), transcript.size(), kReset);
    return true;
  };
  std::string resume = o.resume;
  if (o.last) {
    auto last = SessionFile::last_for(s.repo);
    if (!last) {
      std::fprintf(stderr, "seek chat: no earlier session on %s\n", s.repo.c_str());
      return 2;
    }
    resume = *last;
  }
  if (!resume.empty() && !open_session(resume)) return 2;

  // Approval prompts: yes, no, or always for this tool (this session).
  std::set<std::string> always;
  s.config.ask = [&](const std::string& tool, const Json& args) {
    if (always.count(tool)) return true;
    std::printf("\n%sallow %s%s %s? [y]es / [n]o / [a]lways for %s: ", kCyan, tool.c_str(), kReset,
                safe_dump(args).substr(0, 300).c_str(), tool.c_str());
    std::fflush(stdout);
    std::string answer;
    g_in_turn = false;  // a Ctrl-C here cancels the answer, not more
    const bool got = read_line(answer);
    g_in_turn = true;
    if (!got) return false;
    if (answer == "a" || answer == "always") {
      always.insert(tool);
      return true;
    }
    return answer == "y" || answer == "yes";
  };

  struct sigaction sa {};
  sa.sa_handler = on_sigint;  // no SA_RESTART: a read at the prompt returns EINTR
  sigaction(SIGINT, &sa, nullptr);

  std::vector<UndoRecord> undo;
  std::printf("seek chat on %s (%s). /help for commands.\n", s.repo.c_str(), s.backend->name().c_str());
  while (true) {
    std::printf("› ");
    std::fflush(stdout);
    std::string line;
    if (!read_line(line)) break;
    if (line.empty()) continue;
    if (line == "/quit" || line == "/exit") break;
    if (line == "/help") {
      std::printf("/mode chat|thinking|max  /model NAME  /resume ID  /diff  /undo  /quit\n");
      continue;
    }
    if (line.starts_with("/mode ")) {
      const std::string mode = line.substr(6);
      if (mode == "chat" || mode == "thinking" || mode == "max") {
        s.config.thinking = mode != "chat";
        s.config.reasoning_effort = mode == "max" ? std::optional<std::string>("max") : std::nullopt;
        std::printf("%smode: %s%s\n", kDim, mode.c_str(), kReset);
      } else {
        std::printf("modes: chat, thinking, max\n");
      }
      continue;
    }
    if (line.starts_with("/model ")) {
      s.config.model = line.substr(7);
      std::printf("%smodel: %s%s\n", kDim, s.config.model.c_str(), kReset);
      continue;
    }
    if (line.starts_with("/resume ")) {
      open_session(line.substr(8));
      continue;
    }
    if (line == "/diff") {
      auto out = s.registry.dispatch({"git_diff", Json::object()});
      std::printf("%s\n", out.ok() ? out->text.c_str() : out.error().message.c_str());
      continue;
    }
    if (line == "/undo") {
      if (undo.empty()) {
        std::printf("nothing to undo\n");
        continue;
      }
      for (const auto& [path, content] : undo.back().files) {
        std::error_code ec;
        if (content) {
          std::ofstream(path, std::ios::binary | std::ios::trunc) << *content;
        } else {
          fs::remove(path, ec);
        }
        std::printf("%srestored %s%s\n", kDim, path.c_str(), kReset);
      }
      undo.pop_back();
      continue;
    }
    if (line.starts_with("/")) {
      std::printf("unknown command %s (/help)\n", line.c_str());
      continue;
    }

    // A turn.
    if (!session) {
      id = SessionFile::new_id();
      auto created = SessionFile::create({{"id", id}, {"name", line.substr(0, 80)}, {"repo", s.repo.string()},
                                          {"model", s.config.model}, {"backend", o.flags.backend}, {"version", 1}});
      if (!created.ok()) {
        std::fprintf(stderr, "seek chat: %s\n", created.error().message.c_str());
        return 1;
      }
      session.emplace(std::move(*created));
    }
    g_turn_cancel = false;
    g_in_turn = true;
    bool in_reasoning = false;
    agent::AgentLoop loop(*s.backend, s.registry, s.policy, s.config);
    const auto emit = [&](const Json& e) {
      const std::string type = e.value("type", "");
      if (type == "reasoning_delta") {
        if (!in_reasoning) std::printf("%s", kDim);
        in_reasoning = true;
        std::printf("%s", e.value("text", "").c_str());
      } else if (in_reasoning) {
        std::printf("%s\n", kReset);
        in_reasoning = false;
      }
      if (type == "assistant_delta") std::printf("%s", e.value("text", "").c_str());
      if (type == "tool_call") {
        std::printf("\n%s→ %s%s\n", kCyan, e.value("name", "").c_str(), kReset);
        const Json& args = e["arguments"];
        if (args.is_object()) {
          print_diff(args);
          // Remember what the edit will overwrite, for /undo.
          const tools::ToolHandler* h = s.registry.find(e.value("name", ""));
          if (h && h->is_mutating()) {
            UndoRecord rec;
            for (const std::string& p : touched_paths(args)) rec.files.push_back({s.repo / p, read_file(s.repo / p)});
            if (!rec.files.empty()) undo.push_back(std::move(rec));
          }
        }
      }
      if (type == "tool_result") {
        std::string out = e.value("output", "");
        if (out.size() > 600) out = out.substr(0, 600) + "…";
        std::printf("%s%s%s\n", e.value("is_error", false) ? kRed : kDim, out.c_str(), kReset);
      }
      if (type == "approval" && e.value("decision", "") == "denied") std::printf("%sdenied%s\n", kRed, kReset);
      if (type == "error") std::printf("%serror: %s%s\n", kRed, e.value("message", "").c_str(), kReset);
      std::fflush(stdout);
    };
    const agent::RunOutcome out = loop.run(line, transcript, emit, g_turn_cancel, [&](const Json& t) { (void)session->sync(t); });
    g_in_turn = false;
    (void)session->sync(transcript);
    if (in_reasoning) std::printf("%s", kReset);
    std::printf("\n%s[%s]%s\n", kDim, out.status == agent::RunStatus::kCancelled ? "cancelled" : std::string(agent::to_string(out.status)).c_str(), kReset);
  }
  std::printf("%ssession %s%s\n", kDim, id.empty() ? "(none)" : id.c_str(), kReset);
  return 0;
}

}  // namespace seek::daemon
