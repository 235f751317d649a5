// Line input for `seek chat`, on libedit: the editing keys of a shell (emacs bindings, and
// the user's ~/.editrc), wide characters (CJK, emoji) and lines longer than the terminal drawn
// right, history on Up/Down with Ctrl-R search that persists across sessions, and Ctrl-C
// that drops the line (or, at an approval prompt, answers it). libedit puts the terminal in
// raw mode only while a line is read, so during a turn the terminal is cooked and Ctrl-C is
// SIGINT, which cancels the turn; while it reads, a SIGTERM or SIGHUP restores the terminal
// before it takes effect. Without a terminal (a pipe), lines are read plainly.
#pragma once

#include <atomic>
#include <filesystem>
#include <optional>
#include <string>

struct editline;
struct history;

namespace seek::daemon::tui {

class LineReader {
 public:
  enum class Result { kLine, kInterrupted, kEof };

  /// `history_file`: where the history is kept between sessions (nullopt: this session only).
  explicit LineReader(std::optional<std::filesystem::path> history_file);
  ~LineReader();
  LineReader(const LineReader&) = delete;
  LineReader& operator=(const LineReader&) = delete;

  /// Shows `prompt` and reads one line into `line`. kInterrupted: Ctrl-C; kEof: Ctrl-D on an
  /// empty line, or the end of input.
  Result read(const std::string& prompt, std::string& line);
  /// Adds a line to the history and saves it (blank lines and repeats of the last are skipped).
  void remember(const std::string& line);

  /// Called from the program's SIGINT handler (async-signal-safe): the read in progress, if
  /// any, ends as kInterrupted.
  static void note_interrupt() { interrupts_.fetch_add(1, std::memory_order_relaxed); }

 private:
  Result read_plain(const std::string& prompt, std::string& line);
  static char* prompt_of(editline* el);

  editline* el_ = nullptr;  // null without a terminal
  history* history_ = nullptr;
  std::optional<std::filesystem::path> history_file_;
  std::string prompt_;
  static inline std::atomic<unsigned> interrupts_{0};
};

}  // namespace seek::daemon::tui
