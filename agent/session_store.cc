// Session files (see session_store.h).
#include "agent/session_store.h"

#include "base/fs.h"

#include <fcntl.h>
#include <sys/file.h>
#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <random>

namespace seek::agent {

namespace fs = std::filesystem;
using Json = nlohmann::json;

namespace {

bool valid_id(const std::string& id) {
  if (id.empty() || id.size() > 128) return false;
  return std::all_of(id.begin(), id.end(), [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_'; });
}

// Reads a session file: header, header updates, messages and transcript resets.
Result<SessionRecord> read_path(const fs::path& path) {
  std::ifstream in(path);
  if (!in) return make_error(ErrorCode::kNotFound, fmt::format("no session file {}", path.string()));
  SessionRecord record;
  std::string line;
  bool first = true;
  while (std::getline(in, line)) {
    Json j = Json::parse(line, nullptr, false);
    // A torn line (a crash mid-write) is skipped: the steps before it stand, and open()
    // ends it with a newline so what is appended later still reads.
    if (j.is_discarded() || !j.is_object()) {
      if (first) break;
      continue;
    }
    if (first) {
      record.header = std::move(j);
      first = false;
    } else if (j.contains("message")) {
      if (j["message"].is_object()) record.transcript.push_back(std::move(j["message"]));
    } else if (j.contains("transcript") && j["transcript"].is_array()) {
      record.transcript = std::move(j["transcript"]);
    } else if (j.contains("header") && j["header"].is_object()) {
      record.header.update(j["header"]);
    }
  }
  if (first || !record.header.contains("id") || !record.header["id"].is_string()) {
    return make_error(ErrorCode::kInvalidArgument, fmt::format("{} is not a session file", path.string()));
  }
  // A header is a file a person may edit: its text fields are made text again, so every
  // reader can take them as strings.
  for (const char* key : {"name", "repo", "model", "backend", "base_url", "approval", "sandbox", "mode"}) {
    if (record.header.contains(key) && !record.header[key].is_string()) record.header[key] = record.header[key].dump();
  }
  if (record.header.contains("max_steps") && !record.header["max_steps"].is_number_integer()) record.header.erase("max_steps");
  return record;
}

}  // namespace

std::string safe_dump(const Json& j) { return j.dump(-1, ' ', false, Json::error_handler_t::replace); }

fs::path sessions_dir() {
  // With no home at all, sessions still have a private place: the runtime folder.
  return user_dir(UserDir::kData).value_or(runtime_dir()) / "sessions";
}

std::string SessionFile::new_id() {
  std::random_device rd;
  const auto now = std::chrono::system_clock::now().time_since_epoch();
  return fmt::format("{:x}-{:08x}", std::chrono::duration_cast<std::chrono::seconds>(now).count(), rd());
}

Result<SessionFile> SessionFile::create(const Json& header) {
  const std::string id = header.value("id", "");
  if (!valid_id(id)) return make_error(ErrorCode::kInvalidArgument, fmt::format("'{}' is not a session id", id));
  const fs::path dir = sessions_dir();
  std::error_code ec;
  fs::create_directories(dir, ec);
  const fs::path path = dir / (id + ".jsonl");
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_APPEND | O_CLOEXEC, 0600);
  if (fd < 0) return make_error(ErrorCode::kIo, fmt::format("cannot create {}: {}", path.string(), std::strerror(errno)));
  SessionFile f(fd, path, Json::array());
  ::flock(fd, LOCK_EX | LOCK_NB);  // one writer per session; a new file is ours
  SEEK_RETURN_IF_ERROR(f.write_all(safe_dump(header) + "\n"));
  if (::fsync(fd) != 0) return make_error(ErrorCode::kIo, "fsync " + path.string());
  return f;
}

Result<SessionRecord> SessionFile::read(const std::string& id) {
  if (!valid_id(id)) return make_error(ErrorCode::kInvalidArgument, fmt::format("'{}' is not a session id", id));
  const fs::path path = sessions_dir() / (id + ".jsonl");
  if (!fs::exists(path)) {
    return make_error(ErrorCode::kNotFound, fmt::format("no session {} (looked in {})", id, sessions_dir().string()));
  }
  return read_path(path);
}

Result<std::pair<SessionFile, SessionRecord>> SessionFile::open(const std::string& id) {
  if (!valid_id(id)) return make_error(ErrorCode::kInvalidArgument, fmt::format("'{}' is not a session id", id));
  const fs::path path = sessions_dir() / (id + ".jsonl");
  const int fd = ::open(path.c_str(), O_RDWR | O_APPEND | O_CLOEXEC);
  if (fd < 0 && errno == ENOENT) {
    return make_error(ErrorCode::kNotFound, fmt::format("no session {} (looked in {})", id, sessions_dir().string()));
  }
  if (fd < 0) return make_error(ErrorCode::kIo, fmt::format("cannot open {}: {}", path.string(), std::strerror(errno)));
  SessionFile file(fd, path, Json::array());
  // Locked before it is read: what this process then appends follows what it read.
  if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {  // a daemon, or a seek run, is writing it
    return make_error(ErrorCode::kUnavailable, fmt::format("session {} is open in another seek process", id));
  }
  SEEK_ASSIGN_OR_RETURN(SessionRecord record, read_path(path));
  file.written_ = record.transcript;
  // A torn last line (a crash mid-write) must not glue onto the next append: end the file
  // with a newline first, then what follows parses as its own line.
  const off_t size = ::lseek(fd, 0, SEEK_END);
  char last = '\n';
  if (size > 0 && ::pread(fd, &last, 1, size - 1) == 1 && last != '\n') {
    SEEK_RETURN_IF_ERROR(file.write_all("\n"));
    if (::fsync(fd) != 0) return make_error(ErrorCode::kIo, "fsync " + path.string());
  }
  return std::make_pair(std::move(file), std::move(record));
}

std::optional<std::string> SessionFile::last_for(const fs::path& repo) {
  const std::vector<Json> sessions = list(repo);
  if (sessions.empty()) return std::nullopt;
  return sessions.front().value("id", "");
}

std::vector<Json> SessionFile::list(const std::optional<fs::path>& repo) {
  std::vector<Json> out;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(sessions_dir(), ec)) {
    if (entry.path().extension() != ".jsonl") continue;
    auto record = read_path(entry.path());
    if (!record.ok()) continue;
    if (repo && record->header.value("repo", "") != repo->string()) continue;
    Json item = record->header;
    item["messages"] = record->transcript.size();
    const auto when = entry.last_write_time(ec);
    const auto system = std::chrono::file_clock::to_sys(when);
    item["updated"] = std::chrono::duration_cast<std::chrono::milliseconds>(system.time_since_epoch()).count() / 1000.0;
    out.push_back(std::move(item));
  }
  std::sort(out.begin(), out.end(), [](const Json& a, const Json& b) { return a.value("updated", 0.0) > b.value("updated", 0.0); });
  return out;
}

SessionFile::SessionFile(SessionFile&& o) noexcept
    : fd_(o.fd_), path_(std::move(o.path_)), written_(std::move(o.written_)), dirty_(o.dirty_) {
  o.fd_ = -1;
}

SessionFile& SessionFile::operator=(SessionFile&& o) noexcept {
  if (this != &o) {
    if (fd_ >= 0) ::close(fd_);
    fd_ = o.fd_;
    path_ = std::move(o.path_);
    written_ = std::move(o.written_);
    dirty_ = o.dirty_;
    o.fd_ = -1;
  }
  return *this;
}

SessionFile::~SessionFile() {
  if (fd_ >= 0) ::close(fd_);
}

Status SessionFile::sync(const Json& transcript) {
  bool rewritten = dirty_ || transcript.size() < written_.size();
  for (std::size_t i = 0; !rewritten && i < written_.size(); ++i) rewritten = transcript[i] != written_[i];
  std::string lines;
  if (rewritten) {
    // After a failed write the file may end in a partial line: start a fresh one.
    lines = (dirty_ ? "\n" : "") + safe_dump(Json{{"transcript", transcript}}) + "\n";
  } else {
    for (std::size_t i = written_.size(); i < transcript.size(); ++i) lines += safe_dump(Json{{"message", transcript[i]}}) + "\n";
  }
  if (lines.empty()) return ok_status();
  SEEK_RETURN_IF_ERROR(append_synced(lines));
  written_ = transcript;
  return ok_status();
}

Status SessionFile::update_header(const Json& changes) {
  const bool was_dirty = dirty_;
  SEEK_RETURN_IF_ERROR(append_synced((dirty_ ? "\n" : "") + safe_dump(Json{{"header", changes}}) + "\n"));
  dirty_ = was_dirty;  // the transcript still has to be written whole
  return ok_status();
}

Status SessionFile::append_synced(const std::string& text) {
  // Any failure (a short write, a failed fsync) leaves the file's tail unknown: the next
  // sync writes a newline and the whole transcript, which reads back right either way.
  dirty_ = true;
  SEEK_RETURN_IF_ERROR(write_all(text));
  if (::fsync(fd_) != 0) return make_error(ErrorCode::kIo, "fsync " + path_.string() + ": " + std::strerror(errno));
  dirty_ = false;
  return ok_status();
}

Status SessionFile::write_all(const std::string& text) {
  std::size_t done = 0;
  while (done < text.size()) {
    const ssize_t n = ::write(fd_, text.data() + done, text.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return make_error(ErrorCode::kIo, "writing " + path_.string());
    done += static_cast<std::size_t>(n);
  }
  return ok_status();
}

}  // namespace seek::agent
