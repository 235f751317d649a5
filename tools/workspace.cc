// Workspace path confinement, ignore rules and safe file writes (see workspace.h).
#include "tools/workspace.h"

#include "tools/git_handles.h"

#include <fcntl.h>
#include <git2.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <mutex>
#include <random>
#include <sstream>

#include "base/fs.h"
#include "base/utf8.h"
namespace seek::tools {
namespace {

namespace fs = std::filesystem;

bool inside(const fs::path& path, const fs::path& root) {
  auto [root_end, path_it] = std::mismatch(root.begin(), root.end(), path.begin(), path.end());
  return root_end == root.end();
}

Error model_error(std::string message) { return make_error(ErrorCode::kPermissionDenied, std::move(message)); }

}  // namespace

struct Workspace::Git {
  git_repository* repo = nullptr;
  fs::path workdir;
  mutable std::mutex mutex;  // libgit2 objects are not safe for concurrent use
  ~Git() {
    if (repo) git_repository_free(repo);
  }
};

Workspace::Workspace(Workspace&&) noexcept = default;
Workspace& Workspace::operator=(Workspace&&) noexcept = default;
Workspace::~Workspace() = default;

Result<Workspace> Workspace::open(const fs::path& root, bool allow_reads_outside) {
  std::error_code ec;
  fs::path real = fs::canonical(root, ec);
  if (ec || !fs::is_directory(real)) {
    return make_error(ErrorCode::kNotFound, "workspace root " + root.string() + " is not a directory");
  }
  Workspace ws;
  ws.root_ = real;
  ws.allow_reads_outside_ = allow_reads_outside;
  git::init_libgit2();
  git_repository* repo = nullptr;
  if (git_repository_open_ext(&repo, real.c_str(), 0, nullptr) == 0 && !git_repository_is_bare(repo)) {
    ws.git_ = std::make_unique<Git>();
    ws.git_->repo = repo;
    ws.git_->workdir = fs::canonical(git_repository_workdir(repo), ec);
  } else if (repo) {
    git_repository_free(repo);
  }
  return ws;
}

Result<fs::path> Workspace::resolve_read(std::string_view user_path) const {
  if (user_path.empty()) return model_error("the path is empty");
  fs::path path(user_path);
  if (path.is_relative()) path = root_ / path;
  std::error_code ec;
  fs::path real = fs::canonical(path, ec);
  if (ec) return make_error(ErrorCode::kNotFound, std::string(user_path) + ": no such file or directory");
  if (!allow_reads_outside_ && !inside(real, root_)) {
    return model_error(std::string(user_path) + " is outside the workspace (" + root_.string() + ")");
  }
  return real;
}

Result<fs::path> Workspace::resolve_write(std::string_view user_path) const {
  if (user_path.empty()) return model_error("the path is empty");
  fs::path path(user_path);
  if (path.is_relative()) path = root_ / path;
  // weakly_canonical resolves the existing prefix through symlinks (including a final
  // symlink) and normalises the rest, so a link planted inside cannot redirect the write.
  std::error_code ec;
  fs::path real = fs::weakly_canonical(path, ec);
  if (ec) return model_error(std::string(user_path) + ": cannot resolve (" + ec.message() + ")");
  if (!inside(real, root_) || real == root_) {
    return model_error(std::string(user_path) + " is outside the workspace (" + root_.string() + "); writes stay inside it");
  }
  for (const auto& part : real.lexically_relative(root_)) {
    if (part == ".git" || part == ".seek") {
      return model_error(std::string(user_path) + " is inside " + part.string() + ", which tools may not modify");
    }
  }
  return real;
}

std::string Workspace::display(const fs::path& path) const {
  if (inside(path, root_)) {
    fs::path relative = path.lexically_relative(root_);
    return relative.empty() || relative == "." ? "." : relative.generic_string();
  }
  return path.string();
}

bool Workspace::is_ignored(const fs::path& path, bool is_dir) const {
  if (path.filename() == ".git") return true;
  if (!git_ || !inside(path, git_->workdir)) return false;
  std::string relative = path.lexically_relative(git_->workdir).generic_string();
  if (relative.empty() || relative == ".") return false;
  if (is_dir) relative += "/";
  int ignored = 0;
  std::lock_guard lock(git_->mutex);
  if (git_ignore_path_is_ignored(&ignored, git_->repo, relative.c_str()) != 0) return false;
  return ignored == 1;
}

Status write_file_atomically(const fs::path& path, std::string_view content) {
  std::error_code ec;
  fs::create_directories(path.parent_path(), ec);
  if (ec) return make_error(ErrorCode::kIo, "cannot create " + path.parent_path().string() + ": " + ec.message());
  return seek::write_file_atomically(path, content);
}

std::string cap_output(std::string_view text, std::size_t max_bytes) {
  if (text.size() <= max_bytes) return std::string(text);
  std::size_t cut = max_bytes;
  if (auto newline = text.rfind('\n', max_bytes); newline != std::string_view::npos && newline > max_bytes / 2) {
    cut = newline + 1;
  }
  cut = utf8_floor(text, cut);
  std::string out(text.substr(0, cut));
  out += "\n[... " + std::to_string(text.size() - cut) + " more bytes not shown ...]\n";
  return out;
}

bool looks_binary(std::string_view bytes) {
  const std::string_view head = bytes.substr(0, 8192);
  if (head.find('\0') != std::string_view::npos) return true;
  // Invalid UTF-8 in the head (a truncated last character is fine).
  return !is_valid_utf8(head.substr(0, utf8_complete_prefix(head, head.size())));
}

Result<std::string> read_whole_file(const fs::path& path) {
  std::ifstream file(path, std::ios::binary);
  if (!file) return make_error(ErrorCode::kNotFound, "cannot open " + path.string());
  std::ostringstream buffer;
  buffer << file.rdbuf();
  return buffer.str();
}

}  // namespace seek::tools
