// The `*** Begin Patch` envelope (Codex's apply_patch format): Add File, Delete File, Update
// File with optional Move to, and @@ hunks of ' ', '-', '+' lines. Parsing and applying are
// pure functions over text so that every rule is unit tested; the tool (apply_patch.cc)
// validates the whole patch against the workspace before it writes anything.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "base/result.h"

namespace seek::tools {

struct PatchChunk {
  std::optional<std::string> context;  ///< text after "@@ ", a line to find first
  std::vector<std::string> old_lines;  ///< context + removed lines, in order
  std::vector<std::string> new_lines;  ///< context + added lines, in order
  bool end_of_file = false;            ///< "*** End of File": the old lines end the file
};

struct PatchOperation {
  enum class Kind { kAdd, kDelete, kUpdate } kind = Kind::kAdd;
  std::string path;
  std::optional<std::string> move_to;  ///< update only
  std::string add_content;             ///< add only, with a final newline
  std::vector<PatchChunk> chunks;      ///< update only
};

/// A patch's lines, without their '\n' or a trailing '\r' (both formats share it).
std::vector<std::string> split_patch_lines(std::string_view text);

/// Parses the envelope. Errors say which line is wrong and why (the model sees them).
Result<std::vector<PatchOperation>> parse_patch(std::string_view text);

/// A unified diff (`diff -u`, `git diff`: '--- a/p' / '+++ b/p' headers, '@@' hunks) as the
/// same operations: /dev/null on the left adds a file, on the right deletes it, two
/// different paths move it. Hunk line numbers are not trusted: old lines are searched for.
Result<std::vector<PatchOperation>> parse_unified_diff(std::string_view text);
bool looks_like_unified_diff(std::string_view text);

/// Applies an update's chunks to a file's content. Lines are matched exactly first, then
/// ignoring trailing whitespace, then ignoring surrounding whitespace. The result ends with
/// a newline.
Result<std::string> apply_chunks(std::string_view content, const std::vector<PatchChunk>& chunks,
                                 const std::string& display_path);

}  // namespace seek::tools
