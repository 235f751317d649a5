// Workspace context for completions (see workspace_context.h).
#include "agent/workspace_context.h"

#include <algorithm>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include "agent/completion_service.h"
#include "base/log.h"

namespace seek::agent {
namespace {

bool is_identifier_char(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; }

// Identifiers in `text`, the last occurrence first (nearest the cursor), without duplicates
// and without the words every language uses.
std::vector<std::string> identifiers_nearest_first(std::string_view text) {
  static const std::set<std::string, std::less<>> kCommon = {
      "if",     "else",   "for",    "while",  "return", "int",    "void",  "const",  "auto",  "char",
      "bool",   "true",   "false",  "null",   "None",   "self",   "this",  "def",    "class", "struct",
      "let",    "var",    "fn",     "func",   "new",    "delete", "std",   "string", "import", "from",
      "public", "static", "private", "double", "float", "break", "continue", "pass", "and", "or", "not"};
  std::vector<std::string> out;
  std::set<std::string, std::less<>> seen;
  std::size_t end = text.size();
  while (end > 0) {
    while (end > 0 && !is_identifier_char(text[end - 1])) --end;
    std::size_t begin = end;
    while (begin > 0 && is_identifier_char(text[begin - 1])) --begin;
    const std::string_view word = text.substr(begin, end - begin);
    end = begin;
    if (word.size() < 3 || std::isdigit(static_cast<unsigned char>(word[0])) || kCommon.count(word)) continue;
    if (seen.insert(std::string(word)).second) out.emplace_back(word);
  }
  return out;
}

std::string read_slice(const std::filesystem::path& file, std::uint32_t begin, std::uint32_t end) {
  std::ifstream in(file, std::ios::binary);
  if (!in || end <= begin) return {};
  in.seekg(begin);
  std::string text(end - begin, '\0');
  in.read(text.data(), static_cast<std::streamsize>(text.size()));
  text.resize(static_cast<std::size_t>(in.gcount()));
  return text;
}

}  // namespace

WorkspaceContext::WorkspaceContext(std::filesystem::path root) : root_(std::move(root)) {}

WorkspaceContext::~WorkspaceContext() {
  cancel_ = true;
  if (builder_.joinable()) builder_.join();
}

void WorkspaceContext::start_indexing(Progress progress) {
  if (started_.exchange(true)) {
    if (progress && ready_) progress(index_.stats().files_indexed, index_.stats().files_indexed, true);
    return;
  }
  builder_ = std::thread([this, progress = std::move(progress)] {
    const Status built = index_.build(
        root_, [&](std::size_t done, std::size_t total) { if (progress) progress(done, total, false); }, &cancel_);
    if (!built.ok()) {
      log::warn("indexing {}: {}", root_.string(), built.error().message);
    } else {
      const auto stats = index_.stats();
      log::info("indexed {}: {} files, {} definitions in {} ms", root_.string(), stats.files_indexed, stats.definitions,
                stats.build_time.count());
      ready_ = true;
    }
    if (progress) progress(index_.stats().files_indexed, index_.stats().files_indexed, true);
  });
}

void WorkspaceContext::file_saved(const std::filesystem::path& path) {
  if (!ready_) return;
  if (auto updated = index_.update_file(path); !updated.ok() && updated.error().code != ErrorCode::kNotFound) {
    log::warn("re-indexing {}: {}", path.string(), updated.error().message);
  }
}

std::vector<ContextFile> WorkspaceContext::definitions_for(std::string_view near_cursor, const std::filesystem::path& current,
                                                           std::size_t max_chars, std::size_t max_lines) const {
  std::vector<ContextFile> out;
  if (!ready_) return out;
  std::error_code ec;
  const std::string current_rel = std::filesystem::relative(current, root_, ec).generic_string();
  std::size_t used = 0;
  for (const std::string& name : identifiers_nearest_first(near_cursor)) {
    for (const tools::LocatedDefinition& d : index_.definitions_named(name)) {
      if (d.path == current_rel || d.definition.declaration_only) continue;
      std::string text = read_slice(root_ / d.path, d.definition.range.start_byte, d.definition.range.end_byte);
      // Long definitions keep their head: the signature and the first lines say the most.
      std::size_t cut = 0;
      for (std::size_t line = 0; line < max_lines && cut != std::string::npos; ++line) {
        cut = text.find('\n', cut);
        if (cut != std::string::npos) ++cut;
      }
      if (cut != std::string::npos && cut < text.size()) text.resize(cut);
      if (text.empty() || used + text.size() > max_chars) continue;
      used += text.size();
      out.push_back({d.path + ":" + std::to_string(d.definition.range.start.line + 1), std::move(text)});
      break;  // one definition per name: the first by path and position
    }
    if (used >= max_chars) break;
  }
  return out;
}

std::shared_ptr<WorkspaceContext> workspace_context_for(const std::filesystem::path& root) {
  static std::mutex mutex;
  static std::map<std::filesystem::path, std::weak_ptr<WorkspaceContext>> contexts;
  std::lock_guard lock(mutex);
  auto& slot = contexts[root];
  if (auto existing = slot.lock()) return existing;
  auto created = std::make_shared<WorkspaceContext>(root);
  slot = created;
  return created;
}

}  // namespace seek::agent
