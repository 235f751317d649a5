// Walking the workspace the way the model should see it: sorted, .git and git-ignored paths
// skipped, symlinked directories not followed (they may lead outside), and glob matching
// with `**` for list/glob/grep.
#pragma once

#include <filesystem>
#include <functional>
#include <string_view>

#include "tools/workspace.h"

namespace seek::tools {

/// Calls visit(path, is_dir) for everything under `dir` (not `dir` itself) down to
/// `max_depth` levels, in sorted order, parents before children. visit returns false to stop.
void walk_workspace(const Workspace& ws, const std::filesystem::path& dir, int max_depth,
                    const std::function<bool(const std::filesystem::path&, bool)>& visit);

/// Matches a '/'-separated relative path against a glob: `*`, `?`, `[...]` within one
/// segment, `**` for any number of segments. A pattern without '/' matches the file name.
bool glob_match(std::string_view pattern, std::string_view relative_path);

}  // namespace seek::tools
