// Context selection, budgets and code-action prompts for editor sessions (see
// editor_context.h).
#include "agent/editor_context.h"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <system_error>

namespace seek::agent {
namespace {

// How many edited places are remembered, and how many lines around each become context.
constexpr std::size_t kRecentEdits = 6;
constexpr std::int64_t kEditRadius = 3;
// The most code a code action hands to the agent.
constexpr std::size_t kActionCodeBytes = 4000;

// Completion budgets: a suggestion typed-ahead must come fast; one asked for may take longer.
constexpr int kMultilineTokens = 96;
constexpr int kSingleLineTokens = 48;
constexpr std::chrono::milliseconds kAutomaticTimeLimit{3000};
constexpr std::chrono::milliseconds kInvokedTimeLimit{10000};

std::string_view line_prefix(std::string_view before_cursor) {
  const std::size_t nl = before_cursor.find_last_of('\n');
  return nl == std::string_view::npos ? before_cursor : before_cursor.substr(nl + 1);
}

// The byte offset where 0-based `line` starts (text.size() past the last line). Lines end
// at \n, \r\n or a lone \r, as LSP counts them.
std::size_t line_start(std::string_view text, std::int64_t line) {
  std::int64_t seen = 0;
  for (std::size_t i = 0; i < text.size() && seen < line; ++i) {
    if (text[i] == '\n' || (text[i] == '\r' && (i + 1 >= text.size() || text[i + 1] != '\n'))) {
      if (++seen == line) return i + 1;
    }
  }
  return line <= 0 ? 0 : text.size();
}

// Lines [first, last] of `text` (clamped), at most `max_bytes` of them.
std::string_view lines(std::string_view text, std::int64_t first, std::int64_t last, std::size_t max_bytes) {
  const std::size_t begin = line_start(text, std::max<std::int64_t>(0, first));
  const std::size_t end = line_start(text, std::max<std::int64_t>(0, last) + 1);
  if (end <= begin) return {};
  return text.substr(begin, std::min(end - begin, max_bytes));
}

}  // namespace

void EditorContext::open_workspace(const std::optional<std::filesystem::path>& root) {
  std::error_code ec;
  if (root && std::filesystem::is_directory(*root, ec)) workspace_ = workspace_context_for(std::filesystem::canonical(*root, ec));
}

void EditorContext::note_edit(std::string_view uri, std::int64_t line) {
  // One entry per place: an edit within a few lines of a remembered one refreshes it.
  std::erase_if(recent_edits_, [&](const Edit& e) { return e.uri == uri && std::abs(e.line - line) <= kEditRadius; });
  recent_edits_.push_front({std::string(uri), line});
  if (recent_edits_.size() > kRecentEdits) recent_edits_.pop_back();
}

void EditorContext::forget(std::string_view uri) {
  std::erase_if(recent_edits_, [&](const Edit& e) { return e.uri == uri; });
}

std::string EditorContext::display_path(const OpenDocument& document) const {
  if (!workspace_ || !document.file) return std::string(document.uri);
  std::error_code ec;
  const auto rel = std::filesystem::relative(*document.file, workspace_->root(), ec);
  if (ec || rel.empty() || rel.native().starts_with("..")) return std::string(document.uri);
  return rel.generic_string();
}

CompletionRequest EditorContext::completion_request(const OpenDocument& document, std::size_t cursor,
                                                    std::int64_t cursor_line, bool automatic,
                                                    const std::vector<OpenDocument>& open) const {
  CompletionRequest r;
  r.path = display_path(document);
  r.workspace = workspace_;
  if (document.file) r.file = document.file->string();
  cursor = std::min(cursor, document.text.size());
  r.prefix = std::string(document.text.substr(0, cursor));
  r.suffix = std::string(document.text.substr(cursor));
  // Multi-line when the cursor's line holds only indentation; one line otherwise.
  r.multiline = line_prefix(r.prefix).find_first_not_of(" \t") == std::string_view::npos;
  r.max_tokens = r.multiline ? kMultilineTokens : kSingleLineTokens;
  r.time_limit = automatic ? kAutomaticTimeLimit : kInvokedTimeLimit;
  // Other open documents as context, in the caller's stable order.
  for (const OpenDocument& other : open) {
    if (other.uri != document.uri) r.context.push_back({display_path(other), std::string(other.text)});
  }
  // Recently edited places elsewhere (most recent first): a few lines around each.
  for (const Edit& e : recent_edits_) {
    if (e.uri == document.uri && std::abs(e.line - cursor_line) <= kEditRadius * 3) continue;  // already in the prefix/suffix
    auto other = std::find_if(open.begin(), open.end(), [&](const OpenDocument& d) { return d.uri == e.uri; });
    if (other == open.end()) continue;
    const std::string_view around = lines(other->text, e.line - kEditRadius, e.line + kEditRadius, other->text.size());
    if (!around.empty()) {
      r.recent_edits.push_back({fmt::format("{}:{} (edited)", display_path(*other), e.line + 1), std::string(around)});
    }
  }
  return r;
}

std::vector<AgentAction> EditorContext::code_actions(const OpenDocument& document, std::int64_t first_line,
                                                     std::int64_t last_line, const std::vector<std::string>& problems) const {
  const std::string where = fmt::format("{}:{}", display_path(document), first_line + 1);
  const std::string code(lines(document.text, first_line, last_line, kActionCodeBytes));
  std::vector<AgentAction> actions;
  const char* kind = problems.empty() ? "refactor" : "quickfix";
  if (!problems.empty()) {
    std::string listed;
    for (const std::string& p : problems) listed += "\n- " + p;
    actions.push_back({"seek: fix with the agent", kind,
                       "Fix the problem reported at " + where + ":" + listed + "\n\nThe code there:\n" + code});
  }
  actions.push_back({"seek: ask the agent about this code", kind,
                     "Explain the code at " + where + " and what could be better in it. Do not edit files.\n\n" + code});
  return actions;
}

}  // namespace seek::agent
