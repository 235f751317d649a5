// The edit journal behind /undo: before a file-editing tool call (write_file, edit,
// apply_patch) runs, it records the content of every file the call names, so the last
// edit can be put back exactly, a file the edit created removed again. Only paths inside
// the repository and outside .git/.seek are recorded or restored. Commands (shell, build,
// test) are not journaled: what they change is theirs.
#pragma once

#include <filesystem>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "base/result.h"
#include "tools/workspace.h"

namespace seek::agent {

class EditJournal {
 public:
  explicit EditJournal(tools::Workspace workspace) : workspace_(std::move(workspace)) {}

  /// Notes the files `tool` is about to change (nothing for other tools)...
  void before(const std::string& tool, const nlohmann::json& arguments);
  /// ...and keeps the note only if the call succeeded: a failed edit changed nothing.
  void after(bool succeeded);
  /// Restores the files of the last recorded edit; returns their repository paths.
  /// kNotFound when there is nothing to undo.
  Result<std::vector<std::string>> undo_last();
  std::size_t size() const;

  /// The repository-relative paths a call names ("path", or a patch's file headers).
  static std::vector<std::string> touched_paths(const std::string& tool, const nlohmann::json& arguments);

 private:
  struct FileBefore {
    std::string path;                    ///< repository-relative
    std::optional<std::string> content;  ///< nullopt: the file did not exist
  };
  tools::Workspace workspace_;  // resolves paths as the tools do (confined, no .git/.seek)
  mutable std::mutex mutex_;
  std::vector<std::vector<FileBefore>> edits_;  // oldest first
  std::vector<FileBefore> pending_;             // the call running now
};

}  // namespace seek::agent
