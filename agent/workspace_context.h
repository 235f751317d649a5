// Per-workspace context for completions: the repository index (built in the background with
// progress, kept current on save), and the definitions of the symbols used near the cursor,
// looked up in it and cut from their files as prompt snippets. One per workspace root,
// shared by every editor session on it.
#pragma once

#include <atomic>
#include <filesystem>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "tools/repo_index.h"

namespace seek::agent {

struct ContextFile;

class WorkspaceContext {
 public:
  /// Progress of the index build: files done, files total, and `finished` once at the end.
  using Progress = std::function<void(std::size_t done, std::size_t total, bool finished)>;

  explicit WorkspaceContext(std::filesystem::path root);
  ~WorkspaceContext();

  /// Starts the background build (once); `progress` is called from the builder thread.
  void start_indexing(Progress progress);
  bool ready() const { return ready_.load(); }
  const std::filesystem::path& root() const { return root_; }
  tools::RepoIndexStats stats() const { return index_.stats(); }

  /// Re-indexes a saved file (absolute path); ignored before the first build finished.
  void file_saved(const std::filesystem::path& path);

  /// Definitions of identifiers used in `near_cursor` (text before the cursor, nearest last),
  /// nearest identifier first, from files other than `current` (absolute), each cut from its
  /// file: at most `max_chars` in all and `max_lines` per definition.
  std::vector<ContextFile> definitions_for(std::string_view near_cursor, const std::filesystem::path& current,
                                           std::size_t max_chars, std::size_t max_lines = 40) const;

 private:
  std::filesystem::path root_;
  tools::RepoIndex index_;
  std::atomic<bool> ready_{false}, cancel_{false}, started_{false};
  std::thread builder_;
};

/// The workspace context for a root: one per root for the whole process.
std::shared_ptr<WorkspaceContext> workspace_context_for(const std::filesystem::path& root);

}  // namespace seek::agent
