// Line input on libedit (see line_reader.h).
#include "daemon/tui/line_reader.h"

#include <histedit.h>
#include <unistd.h>

#include <cerrno>
#include <clocale>
#include <cstdio>
#include <cstdlib>

#include "base/fs.h"

namespace seek::daemon::tui {
namespace {

// libedit decodes keys and measures characters by the locale: without a UTF-8 one it shows
// every non-ASCII byte as an escape, and wide characters break the cursor. The user's locale
// is taken when it is UTF-8, else C.UTF-8 (built into glibc).
void use_utf8_locale() {
  const char* chosen = std::setlocale(LC_CTYPE, "");
  if (!chosen || MB_CUR_MAX == 1) std::setlocale(LC_CTYPE, "C.UTF-8");
}

constexpr int kHistorySize = 1000;

}  // namespace

LineReader::LineReader(std::optional<std::filesystem::path> history_file) : history_file_(std::move(history_file)) {
  if (!::isatty(STDIN_FILENO) || !::isatty(STDOUT_FILENO)) return;  // plain reads
  use_utf8_locale();
  el_ = el_init("seek", stdin, stdout, stderr);
  if (!el_) return;
  history_ = history_init();
  HistEvent event;
  history(history_, &event, H_SETSIZE, kHistorySize);
  history(history_, &event, H_SETUNIQUE, 1);
  if (history_file_) history(history_, &event, H_LOAD, history_file_->c_str());  // none yet: nothing loaded
  el_set(el_, EL_CLIENTDATA, this);
  el_set(el_, EL_PROMPT, &LineReader::prompt_of);
  el_set(el_, EL_EDITOR, "emacs");
  el_set(el_, EL_HIST, history, history_);
  // libedit's handlers restore the terminal on SIGINT, SIGTERM, SIGHUP, SIGTSTP... while a
  // line is read, then pass the signal on to ours; SIGWINCH redraws.
  el_set(el_, EL_SIGNAL, 1);
  el_set(el_, EL_BIND, "^R", "em-inc-search-prev", nullptr);
  el_source(el_, nullptr);  // ~/.editrc, as every libedit program honours
}

LineReader::~LineReader() {
  if (el_) el_end(el_);
  if (history_) history_end(history_);
}

char* LineReader::prompt_of(editline* el) {
  void* self = nullptr;
  el_get(el, EL_CLIENTDATA, &self);
  return const_cast<char*>(static_cast<LineReader*>(self)->prompt_.c_str());
}

LineReader::Result LineReader::read_plain(const std::string& prompt, std::string& line) {
  std::fputs(prompt.c_str(), stdout);
  std::fflush(stdout);
  line.clear();
  const unsigned before = interrupts_.load();
  while (true) {
    char c;
    const ssize_t n = ::read(STDIN_FILENO, &c, 1);
    if (n == 1 && c == '\n') return Result::kLine;
    if (n == 1) {
      line += c;
      continue;
    }
    if (n < 0 && errno == EINTR) {
      if (interrupts_.load() != before) return Result::kInterrupted;
      continue;
    }
    return line.empty() ? Result::kEof : Result::kLine;
  }
}

LineReader::Result LineReader::read(const std::string& prompt, std::string& line) {
  if (!el_) return read_plain(prompt, line);
  prompt_ = prompt;
  const unsigned before = interrupts_.load();
  int count = 0;
  const char* got = el_gets(el_, &count);
  if (interrupts_.load() != before) {
    // Ctrl-C: the line is dropped, and the next read starts empty.
    const LineInfo* info = el_line(el_);
    el_cursor(el_, static_cast<int>(info->lastchar - info->cursor));
    el_deletestr(el_, static_cast<int>(info->lastchar - info->buffer));
    std::fputs("^C\n", stdout);
    std::fflush(stdout);
    return Result::kInterrupted;
  }
  if (!got || count <= 0) {
    std::fputs("\n", stdout);
    std::fflush(stdout);
    return Result::kEof;
  }
  line.assign(got, static_cast<std::size_t>(count));
  while (!line.empty() && (line.back() == '\n' || line.back() == '\r')) line.pop_back();
  return Result::kLine;
}

void LineReader::remember(const std::string& line) {
  if (!history_ || line.find_first_not_of(" \t") == std::string::npos) return;
  HistEvent event;
  history(history_, &event, H_ENTER, line.c_str());
  if (!history_file_) return;
  // Saved whole after each line, atomically: a crash never leaves half a history file.
  std::error_code ec;
  std::filesystem::create_directories(history_file_->parent_path(), ec);
  auto file = AtomicFile::create(*history_file_, 0600);
  if (!file.ok()) return;
  if (history(history_, &event, H_SAVE, file->temp_path().c_str()) >= 0) (void)file->commit();
}

}  // namespace seek::daemon::tui
