// Parsing and applying the apply_patch envelope (see apply_patch.h).
#include <fmt/format.h>

#include "tools/apply_patch.h"

namespace seek::tools {
namespace {

constexpr std::string_view kBegin = "*** Begin Patch";
constexpr std::string_view kEnd = "*** End Patch";
constexpr std::string_view kAdd = "*** Add File: ";
constexpr std::string_view kDelete = "*** Delete File: ";
constexpr std::string_view kUpdate = "*** Update File: ";
constexpr std::string_view kMove = "*** Move to: ";
constexpr std::string_view kEndOfFile = "*** End of File";

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
  return s;
}

std::string_view trim_end(std::string_view s) {
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
  return s;
}

Error parse_error(std::size_t line, const std::string& why) {
  return make_error(ErrorCode::kInvalidArgument, fmt::format("invalid patch, line {}: {}", line + 1, why));
}

// Where `pattern` occurs in `lines` at or after `start`, trying exact, then trailing-space-
// insensitive, then whitespace-insensitive comparison. With `at_end`, the match must end
// the file (tried first) .
std::optional<std::size_t> seek_sequence(const std::vector<std::string>& lines, const std::vector<std::string>& pattern,
                                         std::size_t start, bool at_end) {
  if (pattern.empty()) return start;
  if (pattern.size() > lines.size()) return std::nullopt;
  const auto try_with = [&](auto&& equal) -> std::optional<std::size_t> {
    const std::size_t last = lines.size() - pattern.size();
    if (at_end && last >= start) {
      bool ok = true;
      for (std::size_t k = 0; k < pattern.size() && ok; ++k) ok = equal(lines[last + k], pattern[k]);
      if (ok) return last;
    }
    for (std::size_t i = start; i <= last; ++i) {
      bool ok = true;
      for (std::size_t k = 0; k < pattern.size() && ok; ++k) ok = equal(lines[i + k], pattern[k]);
      if (ok) return i;
    }
    return std::nullopt;
  };
  if (auto found = try_with([](const std::string& a, const std::string& b) { return a == b; })) return found;
  if (auto found = try_with([](const std::string& a, const std::string& b) { return trim_end(a) == trim_end(b); })) {
    return found;
  }
  return try_with([](const std::string& a, const std::string& b) { return trim(a) == trim(b); });
}

}  // namespace

std::vector<std::string> split_patch_lines(std::string_view text) {
  std::vector<std::string> lines;
  std::size_t start = 0;
  while (start < text.size()) {
    std::size_t end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    std::string line(text.substr(start, end - start));
    if (!line.empty() && line.back() == '\r') line.pop_back();
    lines.push_back(std::move(line));
    start = end + 1;
  }
  return lines;
}

Result<std::vector<PatchOperation>> parse_patch(std::string_view text) {
  const auto lines = split_patch_lines(text);
  std::size_t i = 0;
  while (i < lines.size() && trim(lines[i]).empty()) ++i;
  if (i >= lines.size() || trim(lines[i]) != kBegin) return parse_error(i, "the patch must start with '*** Begin Patch'");
  ++i;
  std::vector<PatchOperation> operations;
  bool ended = false;
  while (i < lines.size()) {
    const std::string& line = lines[i];
    if (trim(line) == kEnd) {
      ended = true;
      ++i;
      break;
    }
    PatchOperation op;
    if (line.rfind(kAdd, 0) == 0) {
      op.kind = PatchOperation::Kind::kAdd;
      op.path = std::string(trim(std::string_view(line).substr(kAdd.size())));
      ++i;
      while (i < lines.size() && !lines[i].empty() && lines[i][0] == '+') {
        op.add_content += lines[i].substr(1) + "\n";
        ++i;
      }
    } else if (line.rfind(kDelete, 0) == 0) {
      op.kind = PatchOperation::Kind::kDelete;
      op.path = std::string(trim(std::string_view(line).substr(kDelete.size())));
      ++i;
    } else if (line.rfind(kUpdate, 0) == 0) {
      op.kind = PatchOperation::Kind::kUpdate;
      op.path = std::string(trim(std::string_view(line).substr(kUpdate.size())));
      ++i;
      if (i < lines.size() && lines[i].rfind(kMove, 0) == 0) {
        op.move_to = std::string(trim(std::string_view(lines[i]).substr(kMove.size())));
        ++i;
      }
      while (i < lines.size() && lines[i].rfind("*** ", 0) != 0) {
        PatchChunk chunk;
        if (lines[i].rfind("@@", 0) == 0) {
          const std::string_view header = trim(std::string_view(lines[i]).substr(2));
          if (!header.empty()) chunk.context = std::string(header);
          ++i;
        } else if (!op.chunks.empty()) {
          return parse_error(i, "expected '@@' to start the next hunk, got '" + lines[i] + "'");
        }
        bool has_change_lines = false;
        while (i < lines.size() && lines[i].rfind("@@", 0) != 0 && lines[i].rfind("*** ", 0) != 0) {
          const std::string& body = lines[i];
          if (body.empty() || body[0] == ' ') {  // context (a blank line counts as empty context)
            const std::string text_part = body.empty() ? "" : body.substr(1);
            chunk.old_lines.push_back(text_part);
            chunk.new_lines.push_back(text_part);
          } else if (body[0] == '-') {
            chunk.old_lines.push_back(body.substr(1));
          } else if (body[0] == '+') {
            chunk.new_lines.push_back(body.substr(1));
          } else {
            return parse_error(i, "hunk lines start with ' ', '-' or '+', got '" + body + "'");
          }
          has_change_lines = true;
          ++i;
        }
        if (i < lines.size() && lines[i] == kEndOfFile) {
          chunk.end_of_file = true;
          ++i;
        }
        if (!has_change_lines) return parse_error(i, "an empty hunk in " + op.path);
        op.chunks.push_back(std::move(chunk));
      }
      if (op.chunks.empty() && !op.move_to) return parse_error(i, "Update File " + op.path + " has no hunks");
    } else if (trim(line).empty()) {
      ++i;
      continue;
    } else {
      return parse_error(i, "expected '*** Add File:', '*** Delete File:', '*** Update File:' or '*** End Patch', got '" +
                                line + "'");
    }
    if (op.path.empty()) return parse_error(i - 1, "a file header without a path");
    operations.push_back(std::move(op));
  }
  if (!ended) return parse_error(lines.size() - 1, "the patch must end with '*** End Patch'");
  if (operations.empty()) return parse_error(0, "the patch changes no file");
  return operations;
}

Result<std::string> apply_chunks(std::string_view content, const std::vector<PatchChunk>& chunks,
                                 const std::string& display_path) {
  std::vector<std::string> lines = split_patch_lines(content);
  struct Replacement {
    std::size_t start, length;
    const std::vector<std::string>* new_lines;
  };
  std::vector<Replacement> replacements;
  std::vector<std::vector<std::string>> shortened;  // new lines without a dropped trailing blank
  shortened.reserve(chunks.size());
  std::size_t cursor = 0;
  for (std::size_t c = 0; c < chunks.size(); ++c) {
    const PatchChunk& chunk = chunks[c];
    if (chunk.context) {
      auto found = seek_sequence(lines, {*chunk.context}, cursor, false);
      if (!found) {
        return make_error(ErrorCode::kInvalidArgument,
                          fmt::format("hunk {} of {}: the @@ line '{}' was not found", c + 1, display_path, *chunk.context));
      }
      cursor = *found + 1;
    }
    if (chunk.old_lines.empty()) {  // pure insertion: at the end of the file
      replacements.push_back({lines.size(), 0, &chunk.new_lines});
      continue;
    }
    auto found = seek_sequence(lines, chunk.old_lines, cursor, chunk.end_of_file);
    std::vector<std::string> trimmed;
    if (!found && chunk.old_lines.back().empty()) {
      // A trailing blank context line often stands for the end of the file.
      trimmed.assign(chunk.old_lines.begin(), chunk.old_lines.end() - 1);
      found = seek_sequence(lines, trimmed, cursor, chunk.end_of_file);
    }
    if (!found) {
      std::string expected;
      for (const auto& l : chunk.old_lines) expected += "  " + l + "\n";
      return make_error(ErrorCode::kInvalidArgument,
                        fmt::format("hunk {} of {} does not match the file; these lines were expected:\n{}", c + 1,
                                    display_path, expected));
    }
    const std::size_t length = trimmed.empty() ? chunk.old_lines.size() : trimmed.size();
    const std::vector<std::string>* replacement_lines = &chunk.new_lines;
    if (!trimmed.empty() && !chunk.new_lines.empty() && chunk.new_lines.back().empty()) {
      shortened.emplace_back(chunk.new_lines.begin(), chunk.new_lines.end() - 1);
      replacement_lines = &shortened.back();
    }
    replacements.push_back({*found, length, replacement_lines});
    cursor = *found + length;
  }
  for (auto it = replacements.rbegin(); it != replacements.rend(); ++it) {
    lines.erase(lines.begin() + static_cast<std::ptrdiff_t>(it->start),
                lines.begin() + static_cast<std::ptrdiff_t>(it->start + it->length));
    lines.insert(lines.begin() + static_cast<std::ptrdiff_t>(it->start), it->new_lines->begin(), it->new_lines->end());
  }
  std::string out;
  for (const auto& line : lines) out += line + "\n";
  return out;
}

}  // namespace seek::tools
