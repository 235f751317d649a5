// How `seek chat` shows a session: each event of a turn as it streams (reasoning dimmed, or
// folded to one line; tool calls, with edits as coloured diffs; results, approvals, errors,
// the turn's end) and a resumed transcript in brief.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

namespace seek::daemon::tui {

inline constexpr const char* kDim = "\x1b[2m";
inline constexpr const char* kReset = "\x1b[0m";
inline constexpr const char* kRed = "\x1b[31m";
inline constexpr const char* kGreen = "\x1b[32m";
inline constexpr const char* kCyan = "\x1b[36m";

class EventRenderer {
 public:
  /// Prints one session event (the events `seek run --json` writes, plus the host's).
  void show(const nlohmann::json& event);
  /// Ends a reasoning block that is being shown (before anything else is printed).
  void end_reasoning();
  /// Folds or unfolds reasoning; returns true when it is folded now.
  bool toggle_fold() { return fold_ = !fold_; }
  /// The latest turn's reasoning, for /reasoning.
  const std::string& last_reasoning() const { return last_reasoning_; }

 private:
  bool fold_ = false;           // reasoning folded to one line while it streams
  std::string last_reasoning_;  // of the latest turn
  bool in_reasoning_ = false;
};

/// Prints a patch or an edit's old and new text as a coloured diff.
void print_diff(const nlohmann::json& arguments);

/// Shows a resumed transcript briefly: the user's messages, the answers and the tool calls.
void print_transcript(const nlohmann::json& transcript);

}  // namespace seek::daemon::tui
