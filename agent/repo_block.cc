// The repository block's layout (see repo_block.h).
#include "agent/repo_block.h"

#include <fmt/format.h>

#include <array>
#include <filesystem>
#include <optional>
#include <set>

#include "tools/source_files.h"
#include "tools/source_symbols.h"
#include "tools/workspace.h"

namespace seek::agent {
namespace {

namespace fs = std::filesystem;
using engine::TokenId;

std::int64_t padded(std::int64_t tokens) { return (tokens + kPageTokens - 1) / kPageTokens * kPageTokens; }

// One part before layout: its text, tokens (unpadded) and, for a source file, what its
// outline would be.
struct Candidate {
  BlockPart::Section section = BlockPart::Section::kStable;
  BlockPart::As as = BlockPart::As::kWhole;
  std::string path;
  std::string content;  // the file's text (kWhole), for its outline
  std::vector<TokenId> ids;
  bool dropped = false;
};

std::string whole_text(const std::string& path, const std::string& content) {
  std::string text = fmt::format("==> {} <==\n", path);
  text += content;
  if (!content.empty() && content.back() != '\n') text += '\n';
  return text;
}

// The lines where the file's definitions start, numbered, in order: what the file offers
// without its bodies. nullopt when its language has no grammar here, or nothing is defined.
std::optional<std::string> outline_text(const std::string& path, const std::string& content, tools::SymbolExtractor& symbols) {
  const auto language = tools::detect_language(path, std::string_view(content).substr(0, 256));
  if (!language) return std::nullopt;
  auto extracted = symbols.extract(*language, content);
  if (!extracted.ok() || extracted->definitions.empty()) return std::nullopt;
  std::set<std::uint32_t> lines;
  for (const tools::Definition& d : extracted->definitions) lines.insert(d.range.start.line);
  std::string text = fmt::format("==> {} (outline: the lines where its definitions start) <==\n", path);
  std::uint32_t line = 0;
  std::size_t at = 0;
  for (std::uint32_t wanted : lines) {
    while (line < wanted && at < content.size()) {
      const std::size_t nl = content.find('\n', at);
      at = nl == std::string::npos ? content.size() : nl + 1;
      ++line;
    }
    if (at >= content.size()) break;
    const std::size_t nl = content.find('\n', at);
    const std::string_view source = std::string_view(content).substr(at, (nl == std::string::npos ? content.size() : nl) - at);
    fmt::format_to(std::back_inserter(text), "{:>6}: {}\n", wanted + 1, source);
  }
  return text;
}

std::string repository_name(const tools::RepoState& state) {
  const std::string name = state.root().filename().string();
  return name.empty() ? state.root().string() : name;
}

}  // namespace

bool is_vendored_or_lock_file(std::string_view path) {
  static constexpr std::array<std::string_view, 7> kVendorDirs = {"node_modules", "vendor", "third_party", "third-party",
                                                                  "bower_components", ".yarn", "Pods"};
  static constexpr std::array<std::string_view, 11> kLockFiles = {
      "package-lock.json", "yarn.lock", "pnpm-lock.yaml", "Cargo.lock", "go.sum",  "poetry.lock",
      "Pipfile.lock",      "composer.lock", "Gemfile.lock", "uv.lock",  "bun.lockb"};
  std::size_t start = 0;
  while (start <= path.size()) {
    const std::size_t slash = path.find('/', start);
    const std::string_view segment = path.substr(start, slash == std::string_view::npos ? std::string_view::npos : slash - start);
    if (slash == std::string_view::npos) {
      for (std::string_view lock : kLockFiles) {
        if (segment == lock) return true;
      }
      return false;
    }
    for (std::string_view dir : kVendorDirs) {
      if (segment == dir) return true;
    }
    start = slash + 1;
  }
  return false;
}

Result<RepoBlock> build_repo_block(const tools::RepoState& state, const engine::Tokenizer& tokenizer,
                                   const RepoBlockOptions& options) {
  RepoBlock block;
  std::vector<Candidate> parts;

  // 1. The header: what follows and how to read it.
  const std::string commit = state.head().substr(0, 12);
  Candidate header{.as = BlockPart::As::kHeader};
  const std::string header_text =
      commit.empty() ? fmt::format("The files of the folder {} follow, each after a line \"==> path <==\".\n", repository_name(state))
                     : fmt::format("The repository {} at commit {} follows, one file after each line \"==> path <==\", the "
                                   "files that changed least first. After them come the files changed since that commit: "
                                   "where a file appears twice, the later copy is the current one.\n",
                                   repository_name(state), commit);
  tokenizer.encode_plain_into(header_text, header.ids);
  parts.push_back(std::move(header));

  // The text of a file that belongs in the block, or nullopt (then it is counted as skipped):
  // the readers have refused files over the size limit already.
  const auto admit = [&](const std::string& path, Result<std::string> text) -> std::optional<std::string> {
    if (!text.ok() || tools::looks_binary(*text) || tools::looks_generated(path, *text)) {
      ++block.skipped;
      return std::nullopt;
    }
    return std::move(*text);
  };

  // 2. The stable body: HEAD's files, most stable first.
  for (const tools::CommittedFile& file : state.committed()) {
    if (is_vendored_or_lock_file(file.path)) {
      ++block.skipped;
      continue;
    }
    auto content = admit(file.path, state.committed_content(file.path, options.max_file_bytes));
    if (!content) continue;
    Candidate c{.section = BlockPart::Section::kStable, .as = BlockPart::As::kWhole, .path = file.path, .content = std::move(*content)};
    tokenizer.encode_plain_into(whole_text(c.path, c.content), c.ids);
    parts.push_back(std::move(c));
  }

  // 3. The working set, least recently modified first, after a line that says what it is.
  std::vector<Candidate> working;
  for (const tools::ChangedFile& file : state.changed()) {
    if (is_vendored_or_lock_file(file.path)) {
      ++block.skipped;
      continue;
    }
    Candidate c{.section = BlockPart::Section::kWorkingSet, .path = file.path};
    if (file.deleted) {
      c.as = BlockPart::As::kDeleted;
      tokenizer.encode_plain_into(fmt::format("==> {} (deleted since the commit) <==\n", file.path), c.ids);
    } else {
      const fs::path on_disk = state.root() / file.path;
      std::error_code ec;
      const auto size = fs::file_size(on_disk, ec);
      if (ec || size > options.max_file_bytes) {
        ++block.skipped;
        continue;
      }
      auto content = admit(file.path, tools::read_whole_file(on_disk));
      if (!content) continue;
      c.content = std::move(*content);
      tokenizer.encode_plain_into(whole_text(c.path, c.content), c.ids);
    }
    working.push_back(std::move(c));
  }
  if (!working.empty()) {
    Candidate opening{.section = BlockPart::Section::kWorkingSet, .as = BlockPart::As::kHeader};
    tokenizer.encode_plain_into(commit.empty() ? std::string("==> The files follow, least recently modified first. <==\n")
                                               : fmt::format("==> Changed since commit {}, least recently modified first: "
                                                             "these copies replace the ones above. <==\n",
                                                             commit),
                                opening.ids);
    parts.push_back(std::move(opening));
    for (Candidate& c : working) parts.push_back(std::move(c));
  }

  // 4. The budget. From the least valuable file on (the stable body's front), each becomes
  // its outline, or is dropped when it has none, until the block fits; so the files changed
  // last stay whole longest. If every stable file is an outline and it still does not fit,
  // outlines go from the front, then the working set.
  std::int64_t total = 0;
  for (const Candidate& c : parts) total += padded(static_cast<std::int64_t>(c.ids.size()));
  const auto drop = [&](Candidate& c) {
    c.dropped = true;
    total -= padded(static_cast<std::int64_t>(c.ids.size()));
  };
  if (options.max_tokens > 0 && total > options.max_tokens) {
    tools::SymbolExtractor symbols;
    for (Candidate& c : parts) {
      if (total <= options.max_tokens) break;
      if (c.section != BlockPart::Section::kStable || c.as != BlockPart::As::kWhole) continue;
      const auto outline = outline_text(c.path, c.content, symbols);
      std::vector<TokenId> ids;
      if (outline) tokenizer.encode_plain_into(*outline, ids);
      if (!outline) {
        drop(c);
        continue;
      }
      if (padded(static_cast<std::int64_t>(ids.size())) >= padded(static_cast<std::int64_t>(c.ids.size()))) continue;  // no saving
      total -= padded(static_cast<std::int64_t>(c.ids.size())) - padded(static_cast<std::int64_t>(ids.size()));
      c.ids = std::move(ids);
      c.as = BlockPart::As::kOutline;
    }
    for (auto section : {BlockPart::Section::kStable, BlockPart::Section::kWorkingSet}) {
      for (Candidate& c : parts) {
        if (total <= options.max_tokens) break;
        if (c.section == section && c.as != BlockPart::As::kHeader && !c.dropped) drop(c);
      }
    }
  }

  // 5. Lay the parts out, each padded to the next page with newline tokens.
  std::vector<TokenId> newline;
  tokenizer.encode_plain_into("\n", newline);
  if (newline.size() != 1) return make_error(ErrorCode::kUnsupported, "this tokenizer has no single newline token to pad with");
  block.tokens.reserve(static_cast<std::size_t>(total));
  for (Candidate& c : parts) {
    if (c.dropped) {
      block.left_out.push_back({c.path, "dropped"});
      continue;
    }
    if (c.as == BlockPart::As::kOutline) block.left_out.push_back({c.path, "outline"});
    BlockPart part{.path = c.path, .section = c.section, .as = c.as, .first_token = static_cast<std::int64_t>(block.tokens.size())};
    part.tokens = padded(static_cast<std::int64_t>(c.ids.size()));
    part.padding = part.tokens - static_cast<std::int64_t>(c.ids.size());
    block.tokens.insert(block.tokens.end(), c.ids.begin(), c.ids.end());
    block.tokens.insert(block.tokens.end(), static_cast<std::size_t>(part.padding), newline[0]);
    (part.section == BlockPart::Section::kStable ? block.stable_tokens : block.working_set_tokens) += part.tokens;
    if (part.as == BlockPart::As::kWhole || part.as == BlockPart::As::kOutline) ++block.files;
    block.parts.push_back(std::move(part));
  }
  return block;
}

}  // namespace seek::agent
