// The workspace a tool call works in: every path the model gives is resolved (realpath) and
// confined here. `..`, absolute paths and symlinks may be used only when where they lead is
// inside; writes into .git and .seek are refused; reads outside are allowed only when the
// policy says so. Also the ignore rules (.gitignore through libgit2) for listing and search.
#pragma once

#include <filesystem>
#include <memory>
#include <string>
#include <string_view>

#include "base/result.h"

namespace seek::tools {

class Workspace {
 public:
  /// Opens a workspace rooted at `root` (must exist). Finds the git repository containing it,
  /// if any, for ignore rules.
  static Result<Workspace> open(const std::filesystem::path& root, bool allow_reads_outside = false);

  Workspace(Workspace&&) noexcept;
  Workspace& operator=(Workspace&&) noexcept;
  ~Workspace();

  const std::filesystem::path& root() const { return root_; }

  /// A path the model may read: resolved through symlinks; inside the root unless reads
  /// outside are allowed. The error text is what the model sees.
  Result<std::filesystem::path> resolve_read(std::string_view user_path) const;
  /// A path the model may write (it may not exist yet): its resolved location, which must be
  /// inside the root and not inside .git or .seek.
  Result<std::filesystem::path> resolve_write(std::string_view user_path) const;
  /// The path as the model should see it: relative to the root when inside, else absolute.
  std::string display(const std::filesystem::path& path) const;
  /// Whether git would ignore the path (always true for .git itself). `is_dir` matters for
  /// patterns such as "build/".
  bool is_ignored(const std::filesystem::path& path, bool is_dir) const;

 private:
  Workspace() = default;
  std::filesystem::path root_;
  bool allow_reads_outside_ = false;
  struct Git;
  std::unique_ptr<Git> git_;
};

/// Writes `content` to `path` atomically (temp file in the same directory, fsync, rename),
/// keeping the mode of an existing file. Creates missing parent directories.
Status write_file_atomically(const std::filesystem::path& path, std::string_view content);

/// Cuts `text` to at most `max_bytes` (at a line end when possible, never inside a UTF-8
/// character) and says how much was left out. Deterministic.
std::string cap_output(std::string_view text, std::size_t max_bytes);

/// True when the bytes look binary: a NUL in the first 8 KiB, or invalid UTF-8.
bool looks_binary(std::string_view bytes);

/// Reads a whole file.
Result<std::string> read_whole_file(const std::filesystem::path& path);

}  // namespace seek::tools
