// The state of a repository as the repository block lays it out (agent/repo_block.h), read
// with libgit2:
//   - the committed files at HEAD, most stable first: by when a commit last changed each one
//     (a bounded walk of the history; files older than the walk count as the oldest), then by
//     path;
//   - the working set: every file that differs from HEAD (modified, added, untracked and not
//     ignored, or deleted), least recently modified first.
// A folder outside any git repository has no HEAD: all its files (ignore rules aside) are the
// working set. Paths are relative to the root asked for and '/'-separated.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "base/result.h"

namespace seek::tools {

struct CommittedFile {
  std::string path;
  std::int64_t last_change = 0;  ///< commit time (seconds); 0 when older than the walk
};

struct ChangedFile {
  std::string path;
  bool deleted = false;        ///< in HEAD, gone from the work tree
  std::int64_t mtime_ns = 0;   ///< the work tree file's modification time (0 when deleted)
};

struct RepoStateOptions {
  std::size_t max_commits = 5000;  ///< how far back the history walk goes
};

class RepoState {
 public:
  /// Reads the state of the repository containing `root` (or of the plain folder).
  static Result<RepoState> read(const std::filesystem::path& root, const RepoStateOptions& options = {});

  RepoState(RepoState&&) noexcept;
  RepoState& operator=(RepoState&&) noexcept;
  ~RepoState();

  const std::filesystem::path& root() const { return root_; }
  /// HEAD's commit id (hex), "" without one.
  const std::string& head() const { return head_; }
  const std::vector<CommittedFile>& committed() const { return committed_; }
  const std::vector<ChangedFile>& changed() const { return changed_; }

  /// A committed file's contents at HEAD (not the work tree's); kResourceExhausted when it
  /// is larger than `max_bytes` (then it is not copied).
  Result<std::string> committed_content(const std::string& path, std::uint64_t max_bytes = UINT64_MAX) const;

 private:
  RepoState() = default;
  std::filesystem::path root_;
  std::string head_;
  std::vector<CommittedFile> committed_;
  std::vector<ChangedFile> changed_;
  struct Git;
  std::unique_ptr<Git> git_;
};

}  // namespace seek::tools
