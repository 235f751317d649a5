// Unified diffs (`diff -u`, `git diff`) as apply_patch operations (see apply_patch.h), so a
// model that writes the format it saw most often still edits files. Line numbers in the hunk
// headers are not trusted: each hunk's old lines are found in the file, in order, with the
// same whitespace tolerance as the envelope format.
#include <cctype>
#include <optional>
#include <string>
#include <string_view>

#include "tools/apply_patch.h"

namespace seek::tools {
namespace {

// "a/src/x.cc" -> "src/x.cc"; "/dev/null" -> ""; a tab-separated timestamp is dropped.
std::string diff_path(std::string_view raw) {
  if (const auto tab = raw.find('\t'); tab != std::string_view::npos) raw = raw.substr(0, tab);
  while (!raw.empty() && raw.back() == ' ') raw.remove_suffix(1);
  if (raw == "/dev/null") return "";
  if (raw.size() > 2 && (raw.starts_with("a/") || raw.starts_with("b/"))) raw.remove_prefix(2);
  return std::string(raw);
}

// The line counts of "@@ -a,b +c,d @@" (b and d default to 1), when the header has them.
std::optional<std::pair<std::size_t, std::size_t>> hunk_counts(const std::string& header) {
  std::size_t old_count = 1, new_count = 1;
  const auto read = [&](char sign, std::size_t& count) {
    const std::size_t at = header.find(sign, 2);
    if (at == std::string::npos || at + 1 >= header.size() || !std::isdigit(static_cast<unsigned char>(header[at + 1]))) return false;
    std::size_t i = at + 1;
    while (i < header.size() && std::isdigit(static_cast<unsigned char>(header[i]))) ++i;
    if (i < header.size() && header[i] == ',') {
      std::size_t j = i + 1;
      if (j >= header.size() || !std::isdigit(static_cast<unsigned char>(header[j]))) return false;
      count = 0;
      for (; j < header.size() && std::isdigit(static_cast<unsigned char>(header[j])); ++j) count = count * 10 + static_cast<std::size_t>(header[j] - '0');
    }
    return true;
  };
  if (!read('-', old_count) || !read('+', new_count)) return std::nullopt;
  return std::make_pair(old_count, new_count);
}

Error diff_error(std::size_t line, const std::string& why) {
  return Error{ErrorCode::kInvalidArgument, "unified diff line " + std::to_string(line + 1) + ": " + why};
}

}  // namespace

bool looks_like_unified_diff(std::string_view text) {
  const auto lines = split_patch_lines(text);
  for (std::size_t i = 0; i + 1 < lines.size(); ++i) {
    if (lines[i].starts_with("--- ") && lines[i + 1].starts_with("+++ ")) return true;
  }
  return false;
}

Result<std::vector<PatchOperation>> parse_unified_diff(std::string_view text) {
  const auto lines = split_patch_lines(text);
  std::vector<PatchOperation> operations;
  std::size_t i = 0;
  while (i < lines.size()) {
    if (!(lines[i].starts_with("--- ") && i + 1 < lines.size() && lines[i + 1].starts_with("+++ "))) {
      ++i;  // "diff --git", "index", mode lines, prose around the diff
      continue;
    }
    const std::string from = diff_path(std::string_view(lines[i]).substr(4));
    const std::string to = diff_path(std::string_view(lines[i + 1]).substr(4));
    const std::size_t header = i;
    i += 2;
    if (from.empty() && to.empty()) return diff_error(header, "both sides are /dev/null");
    PatchOperation op;
    op.path = from.empty() ? to : from;
    op.kind = from.empty() ? PatchOperation::Kind::kAdd : to.empty() ? PatchOperation::Kind::kDelete : PatchOperation::Kind::kUpdate;
    if (op.kind == PatchOperation::Kind::kUpdate && to != from) op.move_to = to;
    while (i < lines.size() && lines[i].starts_with("@@")) {
      const std::size_t at = i++;
      // A bare "@@" (no numbers) is taken too: the line numbers are never trusted anyway.
      const bool bare = lines[at].find_first_not_of(" \t", 2) == std::string::npos;
      if (!bare && lines[at].find("@@", 2) == std::string::npos) {
        return diff_error(at, "a hunk header must look like '@@ -1,3 +1,4 @@'");
      }
      PatchChunk chunk;
      // With counts in the header, exactly that many lines belong to the hunk, so a removed
      // line that reads "-- x" ("--- x" in the diff) is not taken for a file header.
      const auto counts = hunk_counts(lines[at]);
      std::size_t old_left = counts ? counts->first : 0, new_left = counts ? counts->second : 0;
      const auto is_boundary = [&](std::size_t k) {
        return lines[k].starts_with("@@") || lines[k].starts_with("diff ") ||
               (lines[k].starts_with("--- ") && k + 1 < lines.size() && lines[k + 1].starts_with("+++ "));
      };
      bool ended_on_untagged = false;
      while (i < lines.size()) {
        const std::string& l = lines[i];
        // Within the header's counts every line is the hunk's; past them (models miscount)
        // tagged lines still are, up to the next header.
        const bool promised = counts && (old_left > 0 || new_left > 0);
        if (!promised && is_boundary(i)) break;
        if (l.starts_with("\\")) {  // "\ No newline at end of file"
          ++i;
          continue;
        }
        const char tag = l.empty() ? ' ' : l[0];  // an empty line is blank context (editors strip its space)
        const std::string body = l.empty() ? "" : l.substr(1);
        if (tag == ' ') {
          chunk.old_lines.push_back(body);
          chunk.new_lines.push_back(body);
          old_left -= old_left > 0;
          new_left -= new_left > 0;
        } else if (tag == '-') {
          chunk.old_lines.push_back(body);
          old_left -= old_left > 0;
        } else if (tag == '+') {
          chunk.new_lines.push_back(body);
          new_left -= new_left > 0;
        } else if (promised) {
          return diff_error(i, "the hunk header promised more lines, but this one starts with none of ' ', '-', '+' "
                               "(a context line needs its leading space)");
        } else {
          ended_on_untagged = true;  // prose after the diff, or a context line that lost its space
          break;
        }
        ++i;
      }
      if (ended_on_untagged) {
        // Hunk lines after it would be dropped without a word: refuse instead.
        for (std::size_t k = i; k < lines.size() && !is_boundary(k); ++k) {
          if (lines[k].starts_with("+") || lines[k].starts_with("-")) {
            return diff_error(i, "this line has no ' ', '-' or '+', but hunk lines follow it (line " + std::to_string(k + 1) +
                                     "); a context line needs its leading space");
          }
        }
      }
      while (!chunk.old_lines.empty() && !chunk.new_lines.empty() && chunk.old_lines.back().empty() &&
             chunk.new_lines.back().empty() && chunk.old_lines.size() > 1) {
        chunk.old_lines.pop_back();  // trailing blank context picked up from the text after the diff
        chunk.new_lines.pop_back();
      }
      if (op.kind == PatchOperation::Kind::kAdd) {
        for (const std::string& added : chunk.new_lines) op.add_content += added + "\n";
      } else if (op.kind == PatchOperation::Kind::kUpdate) {
        op.chunks.push_back(std::move(chunk));
      }
    }
    if (op.kind == PatchOperation::Kind::kUpdate && op.chunks.empty() && !op.move_to) {
      return diff_error(header, "no hunks for " + op.path);
    }
    operations.push_back(std::move(op));
  }
  if (operations.empty()) return diff_error(0, "no '--- a/file' / '+++ b/file' header found");
  return operations;
}

}  // namespace seek::tools
