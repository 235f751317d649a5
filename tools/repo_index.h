// The repository index: for every source file of a workspace, the definitions it contains and
// the identifiers it uses, parsed with tree-sitter. It is built once (in the background, with
// progress and cancellation) and then kept current one file at a time as the editor saves or
// edits. Readers run concurrently with the one writer; a build swaps its result in at the end,
// so readers see the old index until then. Paths in answers are relative to the root.
#pragma once

#include <atomic>
#include <chrono>
#include <cstddef>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "tools/source_files.h"
#include "tools/source_symbols.h"

namespace seek::tools {

/// Limits of the index.
struct RepoIndexOptions {
  /// Files larger than this are skipped (kTooLarge): they are data or generated, and a parse
  /// of them would cost more than it is worth.
  std::size_t max_file_bytes = std::size_t{1} << 20;
  /// Parser threads for build(); 0 means one per core, at most 8.
  unsigned threads = 0;
};

/// A definition and the file it is in (relative to the root, '/'-separated).
struct LocatedDefinition {
  std::string path;
  Definition definition;
  friend bool operator==(const LocatedDefinition&, const LocatedDefinition&) = default;
};

/// Counters for logs and the index's $/progress report.
struct RepoIndexStats {
  std::size_t files_indexed = 0;
  std::size_t definitions = 0;
  std::map<Language, std::size_t> files_by_language;
  /// Files the last build() left out, by reason (git-ignored paths are not counted).
  std::map<SkipReason, std::size_t> skipped;
  std::chrono::milliseconds build_time{0};  ///< of the last build()
};

/// Called during build() with the files parsed so far and the files to parse; never twice at
/// once, but possibly from a parser thread.
using IndexProgress = std::function<void(std::size_t done, std::size_t total)>;

/// Definitions and identifiers of a workspace's source files; see the file comment. All methods
/// are safe to call from any thread; writers (build and the updates) take turns.
class RepoIndex {
 public:
  /// An empty index; build() fills it.
  explicit RepoIndex(RepoIndexOptions options = {});
  ~RepoIndex();
  RepoIndex(const RepoIndex&) = delete;
  RepoIndex& operator=(const RepoIndex&) = delete;

  /// Indexes every source file under `root` that git does not ignore (.git itself skipped),
  /// replacing what the index held. When `cancel` becomes true the build stops with kCancelled
  /// and the previous index stays as it was.
  Status build(const std::filesystem::path& root, const IndexProgress& progress = {},
               const std::atomic<bool>* cancel = nullptr);

  /// Re-reads and re-parses one file (absolute, or relative to the root). Returns whether the
  /// file is in the index now: false when the skip rules leave it out (it is then removed).
  /// A file that no longer exists is removed and reported as kNotFound. Waits for a running
  /// build(); before the first build it fails with kInvalidArgument.
  Result<bool> update_file(const std::filesystem::path& path);
  /// The same for text that is not saved yet (an editor buffer).
  Result<bool> update_text(const std::filesystem::path& path, std::string_view text);
  /// Forgets a file; fine when it was not indexed.
  Status remove_file(const std::filesystem::path& path);

  /// Every definition with exactly this name, ordered by path and position.
  std::vector<LocatedDefinition> definitions_named(std::string_view name) const;
  /// The definitions of one file in document order; kNotFound when it is not indexed.
  Result<std::vector<Definition>> definitions_in(const std::filesystem::path& path) const;
  /// The sorted identifiers one file uses; kNotFound when it is not indexed.
  Result<std::vector<std::string>> identifiers_in(const std::filesystem::path& path) const;
  /// The indexed files, sorted.
  std::vector<std::string> files() const;
  /// Sizes now, and what the last build() skipped and how long it took.
  RepoIndexStats stats() const;
  /// The root of the last successful build(); empty before.
  std::filesystem::path root() const;

 private:
  struct State;
  struct Snapshot;
  std::unique_ptr<State> state_;
};

}  // namespace seek::tools
