// Session files: one JSONL file per session under $XDG_DATA_HOME/seek/sessions/ (else
// ~/.local/share/seek/sessions/). The first line is the header (id, name, repo, model,
// backend, settings); then one line per transcript message, appended and fsynced after
// every agent step, so a crash loses at most the step in flight. Two more line kinds keep
// the file append-only: {"header": {...}} merges changed settings into the header, and
// {"transcript": [...]} replaces the transcript (after compaction rewrote it). A torn line
// (a crash mid-write) is skipped: the steps before it stand.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "base/result.h"

namespace seek::agent {

/// JSON text with invalid UTF-8 written as U+FFFD (tool output and model text may hold it).
std::string safe_dump(const nlohmann::json& j);

std::filesystem::path sessions_dir();

/// What a session file holds once read: the header with its updates merged, and the
/// transcript (OpenAI chat messages).
struct SessionRecord {
  nlohmann::json header;
  nlohmann::json transcript = nlohmann::json::array();
};

class SessionFile {
 public:
  /// A new session file for `header` (which holds its "id").
  static Result<SessionFile> create(const nlohmann::json& header);
  /// An existing session: its file reopened for appending (and locked: kUnavailable while
  /// another process has it open), and what it holds.
  static Result<std::pair<SessionFile, SessionRecord>> open(const std::string& id);
  /// Reads a session without opening it for writing.
  static Result<SessionRecord> read(const std::string& id);
  /// The id of the most recent session on `repo`, if any.
  static std::optional<std::string> last_for(const std::filesystem::path& repo);
  /// Every session (optionally only those on `repo`), newest first: the header plus
  /// "messages" (count) and "updated" (unix seconds of the last write).
  static std::vector<nlohmann::json> list(const std::optional<std::filesystem::path>& repo = std::nullopt);
  static std::string new_id();

  SessionFile(SessionFile&& o) noexcept;
  SessionFile& operator=(SessionFile&& o) noexcept;
  SessionFile(const SessionFile&) = delete;
  ~SessionFile();

  /// Appends the messages of `transcript` not written yet, then fsyncs. When the messages
  /// already written changed (compaction), the whole transcript is written as one line.
  Status sync(const nlohmann::json& transcript);
  /// Appends a header update (merged over the header when read), then fsyncs.
  Status update_header(const nlohmann::json& changes);
  const std::filesystem::path& path() const { return path_; }

 private:
  SessionFile(int fd, std::filesystem::path path, nlohmann::json written)
      : fd_(fd), path_(std::move(path)), written_(std::move(written)) {}
  Status write_all(const std::string& text);
  Status append_synced(const std::string& text);  // write + fsync; a failure marks dirty_
  int fd_ = -1;
  std::filesystem::path path_;
  nlohmann::json written_ = nlohmann::json::array();  // the transcript as the file holds it
  bool dirty_ = false;  // a write failed: the tail is unknown, the next sync rewrites all
};

}  // namespace seek::agent
