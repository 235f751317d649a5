// Line input for `seek chat` in a real terminal: the editing keys people expect from a shell
// (left/right, Home/End, Ctrl-A/E/U/K/W, Backspace/Delete), history on Up/Down, and Ctrl-C
// that drops the line (or, at an approval prompt, answers it). Raw mode lasts only while a
// line is read, so during a turn the terminal is cooked again and Ctrl-C is SIGINT, which
// cancels the turn. Without a terminal (a pipe), lines are read plainly.
#pragma once

#include <string>
#include <vector>

namespace seek::daemon {

class LineEditor {
 public:
  enum class Result { kLine, kInterrupted, kEof };

  /// Shows `prompt` and reads one line into `line`. kInterrupted: Ctrl-C; kEof: Ctrl-D on an
  /// empty line, or the end of input.
  Result read(const std::string& prompt, std::string& line);
  /// Adds a line to the history (blank lines and repeats of the last one are skipped).
  void remember(const std::string& line);

 private:
  Result read_plain(std::string& line);
  std::vector<std::string> history_;
};

}  // namespace seek::daemon
