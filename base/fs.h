// Files and folders every library shares: where seek keeps its files (the XDG base
// directories, and the runtime folder of the daemon's sockets), and AtomicFile, the one way a
// file is replaced so that a crash leaves the old file or the whole new one, never a part:
// written under a temporary name beside its target, fsynced, renamed into place, and the
// folder fsynced so that the rename itself survives a power cut.
#pragma once

#include <fcntl.h>
#include <pwd.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <optional>
#include <random>
#include <string>
#include <string_view>
#include <utility>

#include <fmt/format.h>

#include "base/check.h"
#include "base/result.h"

namespace seek {

/// The XDG base directories seek keeps its files under.
enum class UserDir {
  kConfig,  ///< $XDG_CONFIG_HOME, else ~/.config: config.toml
  kData,    ///< $XDG_DATA_HOME, else ~/.local/share: sessions, models
  kCache,   ///< $XDG_CACHE_HOME, else ~/.cache: the KV store
};

/// The user's home: $HOME when it is absolute, else the password database's entry.
inline std::optional<std::filesystem::path> home_dir() {
  if (const char* home = std::getenv("HOME"); home && home[0] == '/') return std::filesystem::path(home);
  if (const passwd* pw = ::getpwuid(::geteuid()); pw && pw->pw_dir && pw->pw_dir[0] == '/') {
    return std::filesystem::path(pw->pw_dir);
  }
  return std::nullopt;
}

/// seek's folder under an XDG base directory (".../seek"). A relative XDG value is ignored, as
/// the XDG spec asks. kNotFound when there is no home to fall back on. Touches nothing on disk.
inline Result<std::filesystem::path> user_dir(UserDir kind) {
  const char* variable = kind == UserDir::kConfig ? "XDG_CONFIG_HOME" : kind == UserDir::kData ? "XDG_DATA_HOME" : "XDG_CACHE_HOME";
  if (const char* value = std::getenv(variable); value && value[0] == '/') return std::filesystem::path(value) / "seek";
  const std::optional<std::filesystem::path> home = home_dir();
  if (!home) return make_error(ErrorCode::kNotFound, fmt::format("neither {} nor HOME names a folder for seek's files", variable));
  const char* fallback = kind == UserDir::kConfig ? ".config" : kind == UserDir::kData ? ".local/share" : ".cache";
  return *home / fallback / "seek";
}

/// The daemon's runtime folder: $XDG_RUNTIME_DIR/seek when that is absolute, else
/// /tmp/seek-<euid>. Touches nothing on disk.
inline std::filesystem::path runtime_dir() {
  if (const char* runtime = std::getenv("XDG_RUNTIME_DIR"); runtime && runtime[0] == '/') {
    return std::filesystem::path(runtime) / "seek";
  }
  return std::filesystem::path(fmt::format("/tmp/seek-{}", ::geteuid()));
}

/// The marker in the names of AtomicFile's temporary files.
inline constexpr std::string_view kAtomicTempMarker = ".seek-tmp-";

/// True for the name of an AtomicFile temporary (left behind by a writer that died).
inline bool is_atomic_temp_name(std::string_view filename) {
  return !filename.empty() && filename[0] == '.' && filename.find(kAtomicTempMarker) != std::string_view::npos;
}

/// A file that replaces `target` only when committed. Destroying it uncommitted removes the
/// temporary file and leaves the target as it was.
class AtomicFile {
 public:
  /// Opens a new temporary file beside `target` (the same folder, so the rename is atomic).
  /// `mode`: its permissions (the umask applies); nullopt keeps an existing target's mode
  /// exactly, else 0644.
  static Result<AtomicFile> create(std::filesystem::path target, std::optional<mode_t> mode = std::nullopt) {
    static std::atomic<std::uint64_t> counter{0};
    thread_local std::mt19937_64 random(std::random_device{}());
    std::optional<mode_t> keep;
    struct stat st{};
    if (!mode && ::stat(target.c_str(), &st) == 0) keep = st.st_mode & 07777;
    const std::filesystem::path folder = target.has_parent_path() ? target.parent_path() : std::filesystem::path(".");
    std::filesystem::path temp = folder / fmt::format(".{}{}{}-{}-{:x}", target.filename().string(), kAtomicTempMarker,
                                                      ::getpid(), counter++, random() & 0xffffff);
    const int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode.value_or(keep.value_or(0644)));
    if (fd < 0) {
      const int err = errno;
      return errno_error(fmt::format("cannot create a file in {}", folder.string()), err, __FILE__, __LINE__);
    }
    if (keep) (void)::fchmod(fd, *keep);  // exactly the old mode, whatever the umask
    return AtomicFile(fd, std::move(target), std::move(temp));
  }

  AtomicFile(AtomicFile&& other) noexcept
      : fd_(std::exchange(other.fd_, -1)), target_(std::move(other.target_)), temp_(std::move(other.temp_)),
        done_(std::exchange(other.done_, true)) {}
  AtomicFile& operator=(AtomicFile&&) = delete;
  AtomicFile(const AtomicFile&) = delete;
  ~AtomicFile() { discard(); }

  /// Appends bytes.
  Status write(std::string_view bytes) {
    if (fd_ < 0) return make_error(ErrorCode::kInternal, fmt::format("{}: written after it was finished", target_.string()));
    while (!bytes.empty()) {
      const ssize_t n = ::write(fd_, bytes.data(), bytes.size());
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) {
        const int err = errno;
        return errno_error(fmt::format("cannot write {}", target_.string()), err, __FILE__, __LINE__);
      }
      bytes.remove_prefix(static_cast<std::size_t>(n));
    }
    return ok_status();
  }
  Status write(const void* data, std::size_t size) { return write(std::string_view(static_cast<const char*>(data), size)); }

  /// Makes the bytes durable under the temporary name (fsync, close). commit() does it too;
  /// calling it first lets several files be staged before any of them replaces its target.
  Status sync() {
    if (fd_ < 0) return ok_status();
    const int fd = std::exchange(fd_, -1);
    if (::fsync(fd) != 0) {
      const int err = errno;
      ::close(fd);
      return errno_error(fmt::format("cannot flush {}", target_.string()), err, __FILE__, __LINE__);
    }
    if (::close(fd) != 0) {
      const int err = errno;
      return errno_error(fmt::format("cannot flush {}", target_.string()), err, __FILE__, __LINE__);
    }
    return ok_status();
  }

  /// sync(), then the rename over the target and an fsync of the folder. On failure the
  /// temporary file is removed and the target is untouched.
  Status commit() {
    if (done_) return make_error(ErrorCode::kInternal, fmt::format("{}: committed twice", target_.string()));
    Status synced = sync();
    if (!synced.ok()) {
      discard();
      return synced;
    }
    if (::rename(temp_.c_str(), target_.c_str()) != 0) {
      const int err = errno;
      discard();
      return errno_error(fmt::format("cannot replace {}", target_.string()), err, __FILE__, __LINE__);
    }
    done_ = true;
    const std::filesystem::path folder = target_.has_parent_path() ? target_.parent_path() : std::filesystem::path(".");
    if (const int dir = ::open(folder.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC); dir >= 0) {
      (void)::fsync(dir);  // best effort: some file systems refuse fsync on folders
      ::close(dir);
    }
    return ok_status();
  }

  /// Drops the temporary file; the target stays as it was.
  void discard() {
    if (fd_ >= 0) ::close(std::exchange(fd_, -1));
    if (!done_) ::unlink(temp_.c_str());
    done_ = true;
  }

  const std::filesystem::path& target() const { return target_; }
  const std::filesystem::path& temp_path() const { return temp_; }

 private:
  AtomicFile(int fd, std::filesystem::path target, std::filesystem::path temp)
      : fd_(fd), target_(std::move(target)), temp_(std::move(temp)) {}

  int fd_ = -1;
  std::filesystem::path target_;
  std::filesystem::path temp_;
  bool done_ = false;  // committed or discarded
};

/// Replaces (or creates) `target` with `bytes`, atomically and durably.
inline Status write_file_atomically(const std::filesystem::path& target, std::string_view bytes,
                                    std::optional<mode_t> mode = std::nullopt) {
  SEEK_ASSIGN_OR_RETURN(AtomicFile file, AtomicFile::create(target, mode));
  SEEK_RETURN_IF_ERROR(file.write(bytes));
  return file.commit();
}

}  // namespace seek
