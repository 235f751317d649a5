// Terminal line editing for seek chat (see line_editor.h).
#include "daemon/line_editor.h"

#include <signal.h>
#include <termios.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <exception>

namespace seek::daemon {
namespace {

// Byte offsets of UTF-8 character starts: the cursor moves by characters, not bytes.
std::size_t prev_char(const std::string& s, std::size_t at) {
  if (at == 0) return 0;
  --at;
  while (at > 0 && (static_cast<unsigned char>(s[at]) & 0xC0) == 0x80) --at;
  return at;
}
std::size_t next_char(const std::string& s, std::size_t at) {
  if (at >= s.size()) return s.size();
  ++at;
  while (at < s.size() && (static_cast<unsigned char>(s[at]) & 0xC0) == 0x80) ++at;
  return at;
}
std::size_t columns(const std::string& s, std::size_t from, std::size_t to) {
  std::size_t n = 0;
  for (std::size_t i = from; i < to; i = next_char(s, i)) ++n;
  return n;
}

void redraw(const std::string& prompt, const std::string& line, std::size_t cursor) {
  // Back to the line start, prompt and text, clear the rest, then put the cursor in place.
  std::string out = "\r" + prompt + line + "\x1b[K";
  const std::size_t back = columns(line, cursor, line.size());
  if (back > 0) out += "\x1b[" + std::to_string(back) + "D";
  std::fputs(out.c_str(), stdout);
  std::fflush(stdout);
}

// Reads one byte; false at the end of input. EINTR (a signal) is reported as `interrupted`.
bool read_byte(char& c, bool& interrupted) {
  while (true) {
    const ssize_t n = ::read(STDIN_FILENO, &c, 1);
    if (n == 1) return true;
    if (n < 0 && errno == EINTR) {
      interrupted = true;
      return false;
    }
    return false;
  }
}

// The terminal's cooked mode, for the handlers below: a SIGTERM or SIGHUP (or a crash's
// terminate) while a line is read must not leave the user's terminal raw.
termios g_cooked{};
volatile sig_atomic_t g_raw = 0;

extern "C" void restore_and_reraise(int sig) {
  if (g_raw) ::tcsetattr(STDIN_FILENO, TCSANOW, &g_cooked);
  ::signal(sig, SIG_DFL);
  ::raise(sig);
}

void install_restorers() {
  static bool installed = false;
  if (installed) return;
  installed = true;
  for (int sig : {SIGTERM, SIGHUP, SIGQUIT}) {
    struct sigaction sa {};
    sa.sa_handler = restore_and_reraise;
    ::sigaction(sig, &sa, nullptr);
  }
  static const std::terminate_handler previous = std::set_terminate([] {
    if (g_raw) ::tcsetattr(STDIN_FILENO, TCSANOW, &g_cooked);
    if (previous) previous();
    std::abort();
  });
}

}  // namespace

void LineEditor::remember(const std::string& line) {
  if (line.find_first_not_of(" \t") == std::string::npos) return;
  if (!history_.empty() && history_.back() == line) return;
  history_.push_back(line);
  if (history_.size() > 1000) history_.erase(history_.begin());
}

LineEditor::Result LineEditor::read_plain(std::string& line) {
  line.clear();
  char c;
  while (true) {
    bool interrupted = false;
    if (!read_byte(c, interrupted)) return interrupted ? Result::kInterrupted : (line.empty() ? Result::kEof : Result::kLine);
    if (c == '\n') return Result::kLine;
    line += c;
  }
}

LineEditor::Result LineEditor::read(const std::string& prompt, std::string& line) {
  termios saved{};
  if (!::isatty(STDIN_FILENO) || ::tcgetattr(STDIN_FILENO, &saved) != 0) {
    std::fputs(prompt.c_str(), stdout);
    std::fflush(stdout);
    return read_plain(line);
  }
  g_cooked = saved;
  install_restorers();
  termios raw = saved;
  raw.c_lflag &= ~static_cast<tcflag_t>(ICANON | ECHO | ISIG | IEXTEN);
  raw.c_iflag &= ~static_cast<tcflag_t>(IXON | ICRNL);
  raw.c_cc[VMIN] = 1;
  raw.c_cc[VTIME] = 0;
  ::tcsetattr(STDIN_FILENO, TCSANOW, &raw);  // NOW: what was typed ahead stays
  g_raw = 1;
  struct Restore {  // cooked again however this returns
    termios mode;
    ~Restore() {
      ::tcsetattr(STDIN_FILENO, TCSANOW, &mode);  // a pasted rest stays
      g_raw = 0;
    }
  } restore{saved};

  line.clear();
  std::size_t cursor = 0;
  std::size_t browsing = history_.size();  // history_.size(): the line being typed
  std::string typed;                       // kept while browsing the history
  redraw(prompt, line, cursor);
  while (true) {
    char c;
    bool interrupted = false;
    if (!read_byte(c, interrupted)) {
      std::fputs("\r\n", stdout);
      return interrupted ? Result::kInterrupted : (line.empty() ? Result::kEof : Result::kLine);
    }
    switch (c) {
      case '\r':
      case '\n':
        std::fputs("\r\n", stdout);
        std::fflush(stdout);
        return Result::kLine;
      case 3:  // Ctrl-C
        std::fputs("^C\r\n", stdout);
        std::fflush(stdout);
        line.clear();
        return Result::kInterrupted;
      case 4:  // Ctrl-D: end of input on an empty line, else delete forward
        if (line.empty()) {
          std::fputs("\r\n", stdout);
          return Result::kEof;
        }
        line.erase(cursor, next_char(line, cursor) - cursor);
        break;
      case 127:
      case 8:  // Backspace
        if (cursor > 0) {
          const std::size_t from = prev_char(line, cursor);
          line.erase(from, cursor - from);
          cursor = from;
        }
        break;
      case 1: cursor = 0; break;              // Ctrl-A
      case 5: cursor = line.size(); break;    // Ctrl-E
      case 11: line.erase(cursor); break;     // Ctrl-K
      case 21:                                // Ctrl-U
        line.erase(0, cursor);
        cursor = 0;
        break;
      case 23: {  // Ctrl-W: the word before the cursor
        std::size_t from = cursor;
        while (from > 0 && line[from - 1] == ' ') --from;
        while (from > 0 && line[from - 1] != ' ') --from;
        line.erase(from, cursor - from);
        cursor = from;
        break;
      }
      case 27: {  // an escape sequence: arrows, Home/End, Delete
        char a = 0, b = 0;
        if (!read_byte(a, interrupted) || (a != '[' && a != 'O') || !read_byte(b, interrupted)) break;
        if (b >= '0' && b <= '9') {  // "\x1b[3~", "\x1b[1;5C" and friends: read up to the final byte
          std::string params(1, b);
          char f = 0;
          while (read_byte(f, interrupted) && !(f >= 0x40 && f <= 0x7E) && params.size() < 16) params += f;
          if (f == '~' && params == "3") line.erase(cursor, next_char(line, cursor) - cursor);
          if (f == '~' && (params == "1" || params == "7")) cursor = 0;
          if (f == '~' && (params == "4" || params == "8")) cursor = line.size();
          if (f == 'C') cursor = next_char(line, cursor);  // modified arrows move like plain ones
          if (f == 'D') cursor = prev_char(line, cursor);
          break;
        }
        if (b == 'C') cursor = next_char(line, cursor);
        if (b == 'D') cursor = prev_char(line, cursor);
        if (b == 'H') cursor = 0;
        if (b == 'F') cursor = line.size();
        if ((b == 'A' && browsing > 0) || (b == 'B' && browsing < history_.size())) {
          if (browsing == history_.size()) typed = line;
          browsing += b == 'A' ? -1 : 1;
          line = browsing == history_.size() ? typed : history_[browsing];
          cursor = line.size();
        }
        break;
      }
      default:
        if (static_cast<unsigned char>(c) >= 32) {
          line.insert(cursor, 1, c);
          ++cursor;
        }
    }
    redraw(prompt, line, cursor);
  }
}

}  // namespace seek::daemon
