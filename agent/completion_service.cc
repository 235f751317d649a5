// The completion service and its backends (see completion_service.h).
#include "agent/completion_service.h"

#include "agent/workspace_context.h"

#include <algorithm>


namespace seek::agent {
namespace {

std::string_view current_line_prefix(std::string_view prefix) {
  const std::size_t nl = prefix.find_last_of('\n');
  return nl == std::string_view::npos ? prefix : prefix.substr(nl + 1);
}

class LineHistoryBackend final : public CompletionSource {
 public:
  std::string name() const override { return "line-history"; }

  Result<Generation> generate(const CompletionRequest& r, const std::atomic<bool>& cancel) override {
    Generation g;
    std::string_view typed = current_line_prefix(r.prefix);
    const std::size_t indent = typed.find_first_not_of(" \t");
    if (indent == std::string_view::npos) return g;  // nothing typed on this line yet
    typed.remove_prefix(indent);
    // Earlier lines, nearest first: the document above the cursor, then the context files.
    std::vector<std::string_view> sources{std::string_view(r.prefix).substr(0, r.prefix.size() - current_line_prefix(r.prefix).size())};
    for (const ContextFile& f : r.context) sources.push_back(f.text);
    for (std::string_view text : sources) {
      if (cancel.load()) {
        g.cancelled = true;
        return g;
      }
      std::size_t end = text.size();
      while (end > 0) {
        const std::size_t nl = text.rfind('\n', end - 1);
        const std::size_t begin = nl == std::string_view::npos ? 0 : nl + 1;
        std::string_view line = text.substr(begin, end - begin);
        if (!line.empty() && line.back() == '\n') line.remove_suffix(1);
        const std::size_t at = line.find_first_not_of(" \t");
        if (at != std::string_view::npos) {
          line.remove_prefix(at);
          if (line.size() > typed.size() && line.starts_with(typed)) {
            g.text = std::string(line.substr(typed.size()));
            g.tokens = 1;
            return g;
          }
        }
        if (nl == std::string_view::npos) break;
        end = nl;
      }
    }
    return g;
  }
};

}  // namespace

std::unique_ptr<CompletionSource> make_line_history_completion_source() { return std::make_unique<LineHistoryBackend>(); }

std::string clean_completion(std::string text, const std::string& suffix, bool multiline, std::size_t scope_indent) {
  if (!multiline) {
    const std::size_t nl = text.find('\n');
    if (nl != std::string::npos) text.resize(nl);
  } else {
    // End of the enclosing scope: stop before the first later line that is indented less
    // than the cursor's line (the block the cursor is in has ended), and drop trailing
    // blank lines.
    for (std::size_t nl = text.find('\n'); nl != std::string::npos; nl = text.find('\n', nl + 1)) {
      const std::size_t start = nl + 1;
      const std::size_t first = text.find_first_not_of(" \t", start);
      if (first == std::string::npos || text[first] == '\n' || text[first] == '\r') continue;  // blank line
      if (first - start < scope_indent) {
        text.resize(nl);
        break;
      }
    }
    while (!text.empty() && (text.back() == '\n' || text.back() == ' ' || text.back() == '\t')) text.pop_back();
  }
  // Do not repeat what already follows the cursor on its line (a closing bracket, say).
  const std::string_view rest = std::string_view(suffix).substr(0, std::min(suffix.find('\n'), suffix.size()));
  for (std::size_t n = std::min(rest.size(), text.size()); n > 0; --n) {
    if (std::string_view(text).substr(text.size() - n) == rest.substr(0, n)) {
      text.resize(text.size() - n);
      break;
    }
  }
  while (!text.empty() && text.back() == '\r') text.pop_back();
  return text;
}

// The prompt's context, in order of how rarely it changes (so the engine's cached prefix
// states survive): other open files, then the definitions of the symbols used near the
// cursor (from the repository index), then recently edited places. Definitions and edits
// get their budgets first; open files share what is left.
CompletionRequest with_context(const CompletionRequest& request) {
  constexpr std::size_t kContextChars = 24000, kDefinitionChars = 6000, kEditChars = 2000;
  constexpr std::size_t kNearCursorChars = 2000;
  CompletionRequest r = request;
  std::vector<ContextFile> definitions;
  if (r.workspace) {
    const std::string_view prefix(r.prefix);
    const std::string_view near = prefix.substr(prefix.size() - std::min(prefix.size(), kNearCursorChars));
    definitions = r.workspace->definitions_for(near, r.file, kDefinitionChars);
  }
  std::vector<ContextFile> edits;
  std::size_t edit_chars = 0;
  for (const ContextFile& e : r.recent_edits) {
    if (edit_chars + e.text.size() > kEditChars) break;
    edit_chars += e.text.size();
    edits.push_back(e);
  }
  std::size_t used = edit_chars;
  for (const ContextFile& d : definitions) used += d.text.size();
  std::vector<ContextFile> context;
  for (const ContextFile& f : r.context) {
    if (used >= kContextChars) break;
    ContextFile part{f.path, f.text.substr(0, kContextChars - used)};
    used += part.text.size();
    context.push_back(std::move(part));
  }
  for (ContextFile& d : definitions) context.push_back(std::move(d));
  for (ContextFile& e : edits) context.push_back(std::move(e));
  r.context = std::move(context);
  r.recent_edits.clear();
  return r;
}

Result<Generation> CompletionService::complete(const CompletionRequest& request, const std::atomic<bool>& cancel) {
  std::lock_guard lock(mutex_);
  // Typing into the last suggestion: serve its rest without a new generation.
  if (request.path == last_.path && request.suffix == last_.suffix && request.prefix.size() > last_.prefix.size() &&
      request.prefix.starts_with(last_.prefix)) {
    const std::string_view typed = std::string_view(request.prefix).substr(last_.prefix.size());
    if (typed.size() < last_.text.size() && std::string_view(last_.text).starts_with(typed)) {
      Generation g;
      g.text = last_.text.substr(typed.size());
      g.from_cache = true;
      return g;
    }
  }
  const CompletionRequest prompt = with_context(request);
  SEEK_ASSIGN_OR_RETURN(Generation g, backend_->generate(prompt, cancel));
  for (const ContextFile& f : prompt.context) g.context.push_back(f.path);
  {
    std::lock_guard context_lock(context_mutex_);
    last_context_ = g.context;
  }
  const std::string_view line = current_line_prefix(request.prefix);
  const std::size_t indent = std::min(line.find_first_not_of(" \t"), line.size());
  g.text = clean_completion(std::move(g.text), request.suffix, request.multiline, indent);
  if (!g.cancelled) last_ = {request.path, request.prefix, request.suffix, g.text};
  return g;
}

}  // namespace seek::agent
