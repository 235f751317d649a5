// How `seek chat` shows a session (see event_renderer.h).
#include "daemon/tui/event_renderer.h"

#include <cstdio>
#include <sstream>
#include <string>

namespace seek::daemon::tui {

using Json = nlohmann::json;

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

void EventRenderer::show(const Json& e) {
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

void EventRenderer::end_reasoning() {
  if (in_reasoning_ && fold_) std::printf(" (%zu characters; /reasoning shows them)", last_reasoning_.size());
  if (in_reasoning_) std::printf("%s\n", kReset);
  in_reasoning_ = false;
}

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

}  // namespace seek::daemon::tui
