// The repository block: a deterministic token layout of a repository for one model, the
// prefix that completions and agent turns will run after (issue 13). It is a function of
// the repository's state alone (tools::RepoState), so a fresh cache lays out the same block:
//   1. a header naming the repository and the commit;
//   2. the stable body: the committed tree at HEAD, most stable first (the files untouched
//      longest in the history first), each file as its HEAD contents;
//   3. the working set: every file that differs from HEAD (modified, added, untracked and not
//      ignored, or deleted), least recently modified first, each as it is on disk now; the
//      header tells the model that a later copy of a file is the current one.
// Every part starts on a page boundary (kPageTokens = 128, the lcm of the compression
// ratios), padded with newline tokens, so no compressed block spans two files and a file's
// pages depend only on the text before it. File text is tokenized as plain text: special-token
// strings in a file cannot act as control tokens.
//
// Skipped (and counted): binary, generated (lock files included) and vendored files, files
// over max_file_bytes, and unreadable ones. Over the token budget, the least valuable files
// (the stable body's front: untouched longest) are replaced, one by one, by their
// tree-sitter outline (the lines where their definitions start), or dropped when they have
// none, so the files changed last stay whole longest; what was left out is reported. The
// working set is the last thing dropped.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "base/result.h"
#include "engine/tokenizer/tokenizer.h"
#include "tools/repo_state.h"

namespace seek::agent {

inline constexpr std::int64_t kPageTokens = 128;

struct RepoBlockOptions {
  std::int64_t max_tokens = 0;  ///< the budget, padding included; 0: none
  std::uint64_t max_file_bytes = std::uint64_t{1} << 20;
};

/// One part of the block, page-aligned.
struct BlockPart {
  enum class Section { kStable, kWorkingSet };
  enum class As { kHeader, kWhole, kOutline, kDeleted };
  std::string path;  ///< empty for the header and the working set's opening line
  Section section = Section::kStable;
  As as = As::kWhole;
  std::int64_t first_token = 0;  ///< a multiple of kPageTokens
  std::int64_t tokens = 0;       ///< padding included, a multiple of kPageTokens
  std::int64_t padding = 0;      ///< of those, the newline tokens that fill the last page
};

/// A file that did not make it whole.
struct LeftOut {
  std::string path;
  std::string as;  ///< "outline" or "dropped"
};

struct RepoBlock {
  std::vector<engine::TokenId> tokens;
  std::vector<BlockPart> parts;  ///< in block order
  std::int64_t stable_tokens = 0;
  std::int64_t working_set_tokens = 0;
  std::int64_t files = 0;    ///< files in the block (whole or as outlines; deletions not counted)
  std::int64_t skipped = 0;  ///< binary, generated, vendored, too large or unreadable
  std::vector<LeftOut> left_out;
};

/// Lays out the block of `state` for `tokenizer`.
Result<RepoBlock> build_repo_block(const tools::RepoState& state, const engine::Tokenizer& tokenizer,
                                   const RepoBlockOptions& options = {});

/// True for paths inside vendored trees (node_modules/, vendor/, third_party/, ...) and for
/// lock files: text nobody edits by hand, which would crowd out the repository's own.
bool is_vendored_or_lock_file(std::string_view path);

}  // namespace seek::agent
