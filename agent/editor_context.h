// What an editor session knows that the model should see: the open documents, the places
// edited lately, and the workspace's repository index. From these it builds the inline
// completion request (context selection, multi-line or not, token and time budgets) and the
// agent tasks that code actions start (their prompt text). The LSP layer only translates
// positions and documents into the calls below; no prompt text or budget lives there.
#pragma once

#include <cstdint>
#include <deque>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "agent/completion_service.h"
#include "agent/workspace_context.h"

namespace seek::agent {

/// An open document as the editor has it now.
struct OpenDocument {
  std::string_view uri;
  std::optional<std::filesystem::path> file;  ///< its path on disk (file:// URIs)
  std::string_view text;
};

/// A code action the editor can offer: a title, and the agent task it starts.
struct AgentAction {
  std::string title;
  std::string kind;  ///< "quickfix" (there are problems to fix) or "refactor"
  std::string task;
};

class EditorContext {
 public:
  /// `root`: the workspace folder the editor opened (nullopt: none); its repository index
  /// is shared with every other session on that folder.
  void open_workspace(const std::optional<std::filesystem::path>& root);
  const std::shared_ptr<WorkspaceContext>& workspace() const { return workspace_; }

  /// Remembers an edit at `line` of `uri`: the lines around it become context elsewhere.
  void note_edit(std::string_view uri, std::int64_t line);
  /// Forgets a closed document's edits.
  void forget(std::string_view uri);

  /// The completion request at byte `cursor` of `document`, with the other open documents
  /// (in a stable order, so the prompt prefix is reused) and the recent edits as context.
  /// `automatic`: typed-ahead (a short time budget) rather than asked for.
  CompletionRequest completion_request(const OpenDocument& document, std::size_t cursor, std::int64_t cursor_line,
                                       bool automatic, const std::vector<OpenDocument>& open) const;

  /// The agent tasks for the code between lines `first_line` and `last_line` (0-based,
  /// inclusive) of `document`: fix the reported `problems` (when there are any), or explain.
  std::vector<AgentAction> code_actions(const OpenDocument& document, std::int64_t first_line, std::int64_t last_line,
                                        const std::vector<std::string>& problems) const;

  /// What the model sees as a document's name: workspace-relative like the index's
  /// snippets, else the URI.
  std::string display_path(const OpenDocument& document) const;

 private:
  struct Edit {
    std::string uri;
    std::int64_t line = 0;
  };
  std::deque<Edit> recent_edits_;  // most recent first
  std::shared_ptr<WorkspaceContext> workspace_;
};

}  // namespace seek::agent
