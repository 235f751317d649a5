// Workspace walking and glob matching (see file_walk.h).
#include "tools/file_walk.h"

#include <fnmatch.h>

#include <algorithm>
#include <string>
#include <vector>

namespace seek::tools {
namespace {

namespace fs = std::filesystem;

bool walk(const Workspace& ws, const fs::path& dir, int depth_left,
          const std::function<bool(const fs::path&, bool)>& visit) {
  std::error_code ec;
  std::vector<std::pair<fs::path, bool>> entries;
  for (fs::directory_iterator it(dir, fs::directory_options::skip_permission_denied, ec), end; !ec && it != end;
       it.increment(ec)) {
    const bool is_dir = it->is_directory(ec) && !it->is_symlink(ec);
    if (ws.is_ignored(it->path(), is_dir)) continue;
    entries.emplace_back(it->path(), is_dir);
  }
  std::sort(entries.begin(), entries.end());
  for (const auto& [path, is_dir] : entries) {
    if (!visit(path, is_dir)) return false;
    if (is_dir && depth_left > 1 && !walk(ws, path, depth_left - 1, visit)) return false;
  }
  return true;
}

bool match_segments(const std::vector<std::string>& pattern, std::size_t p, const std::vector<std::string>& path,
                    std::size_t s) {
  if (p == pattern.size()) return s == path.size();
  if (pattern[p] == "**") {
    for (std::size_t skip = s; skip <= path.size(); ++skip) {
      if (match_segments(pattern, p + 1, path, skip)) return true;
    }
    return false;
  }
  if (s == path.size()) return false;
  if (fnmatch(pattern[p].c_str(), path[s].c_str(), FNM_PERIOD) != 0) return false;
  return match_segments(pattern, p + 1, path, s + 1);
}

std::vector<std::string> split(std::string_view text) {
  std::vector<std::string> parts;
  std::size_t start = 0;
  while (start <= text.size()) {
    const std::size_t slash = text.find('/', start);
    const std::size_t end = slash == std::string_view::npos ? text.size() : slash;
    if (end > start) parts.emplace_back(text.substr(start, end - start));
    if (slash == std::string_view::npos) break;
    start = slash + 1;
  }
  return parts;
}

}  // namespace

void walk_workspace(const Workspace& ws, const fs::path& dir, int max_depth,
                    const std::function<bool(const fs::path&, bool)>& visit) {
  walk(ws, dir, max_depth, visit);
}

bool glob_match(std::string_view pattern, std::string_view relative_path) {
  const auto path = split(relative_path);
  if (pattern.find('/') == std::string_view::npos) {
    return !path.empty() && fnmatch(std::string(pattern).c_str(), path.back().c_str(), FNM_PERIOD) == 0;
  }
  return match_segments(split(pattern), 0, path, 0);
}

}  // namespace seek::tools
