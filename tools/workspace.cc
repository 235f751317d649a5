// Workspace path confinement, ignore rules and safe file writes (see workspace.h).
#include "tools/workspace.h"

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

namespace seek::tools {
namespace {

namespace fs = std::filesystem;

bool inside(const fs::path& path, const fs::path& root) {
  auto [root_end, path_it] = std::mismatch(root.begin(), root.end(), path.begin(), path.end());
  return root_end == root.end();
}

Error model_error(std::string message) { return make_error(ErrorCode::kPermissionDenied, std::move(message)); }

void init_libgit2() {
  static std::once_flag once;
  std::call_once(once, [] {
    git_libgit2_init();
    // Repositories owned by another user are the user's own checkouts here; the daemon
    // reads ignore rules only.
    git_libgit2_opts(GIT_OPT_SET_OWNER_VALIDATION, 0);
  });
}

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
  init_libgit2();
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
  mode_t mode = 0644;
  struct stat st {};
  if (::stat(path.c_str(), &st) == 0) mode = st.st_mode & 07777;
  static thread_local std::mt19937_64 rng(std::random_device{}());
  const fs::path temp = path.parent_path() / ("." + path.filename().string() + ".seek-tmp-" + std::to_string(rng() % 1000000000));
  const int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
  if (fd < 0) return make_error(ErrorCode::kIo, "cannot create " + temp.string() + ": " + std::strerror(errno));
  std::size_t written = 0;
  while (written < content.size()) {
    const ssize_t n = ::write(fd, content.data() + written, content.size() - written);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      const int err = errno;
      ::close(fd);
      ::unlink(temp.c_str());
      return make_error(ErrorCode::kIo, "cannot write " + path.string() + ": " + std::strerror(err));
    }
    written += static_cast<std::size_t>(n);
  }
  ::fchmod(fd, mode);
  if (::fsync(fd) != 0 || ::close(fd) != 0) {
    ::unlink(temp.c_str());
    return make_error(ErrorCode::kIo, "cannot flush " + path.string());
  }
  if (::rename(temp.c_str(), path.c_str()) != 0) {
    const int err = errno;
    ::unlink(temp.c_str());
    return make_error(ErrorCode::kIo, "cannot replace " + path.string() + ": " + std::strerror(err));
  }
  return ok_status();
}

std::string cap_output(std::string_view text, std::size_t max_bytes) {
  if (text.size() <= max_bytes) return std::string(text);
  std::size_t cut = max_bytes;
  if (auto newline = text.rfind('\n', max_bytes); newline != std::string_view::npos && newline > max_bytes / 2) {
    cut = newline + 1;
  }
  while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;
  std::string out(text.substr(0, cut));
  out += "\n[... " + std::to_string(text.size() - cut) + " more bytes not shown ...]\n";
  return out;
}

bool looks_binary(std::string_view bytes) {
  const std::string_view head = bytes.substr(0, 8192);
  if (head.find('\0') != std::string_view::npos) return true;
  // Invalid UTF-8 in the head (a truncated last character is fine).
  std::size_t i = 0;
  while (i < head.size()) {
    const auto c = static_cast<unsigned char>(head[i]);
    std::size_t n = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 0;
    if (n == 0) return true;
    if (i + n > head.size()) break;
    for (std::size_t k = 1; k < n; ++k) {
      if ((static_cast<unsigned char>(head[i + k]) & 0xC0) != 0x80) return true;
    }
    i += n;
  }
  return false;
}

Result<std::string> read_whole_file(const fs::path& path) {
  std::ifstream file(path, std::ios::binary);
  if (!file) return make_error(ErrorCode::kNotFound, "cannot open " + path.string());
  std::ostringstream buffer;
  buffer << file.rdbuf();
  return buffer.str();
}

}  // namespace seek::tools
