// list_dir and glob: what is in the workspace, as the model should see it (sorted, ignore
// rules applied, capped).
#include <fmt/format.h>

#include "tools/args.h"
#include "tools/file_tools.h"
#include "tools/file_walk.h"

namespace seek::tools {
namespace {

namespace fs = std::filesystem;

class ListDirTool : public ToolHandler {
 public:
  ListDirTool(std::shared_ptr<const Workspace> ws, OutputLimits limits) : ws_(std::move(ws)), limits_(limits) {}
  std::string name() const override { return "list_dir"; }
  bool is_mutating() const override { return false; }
  nlohmann::json schema() const override {
    return {{"type", "object"},
            {"description", "List a directory (git-ignored files are left out). Directories end with '/'."},
            {"properties",
             {{"path", {{"type", "string"}, {"description", "Directory, relative to the workspace root (default '.')"}}},
              {"depth", {{"type", "integer"}, {"minimum", 1}, {"maximum", 10}, {"description", "Levels to show (default 2)"}}}}},
            {"additionalProperties", false}};
  }
  Result<ToolOutput> handle(const ToolInvocation& call) override {
    Args args(name(), call.arguments);
    const std::string path_arg = args.optional_string("path").value_or(".");
    const int depth = static_cast<int>(args.optional_int("depth", 1, 10).value_or(2));
    if (args.problem()) return args.error();
    auto dir = ws_->resolve_read(path_arg);
    if (!dir.ok()) return tool_error(dir.error().message);
    if (!fs::is_directory(*dir)) return tool_error(path_arg + " is not a directory");
    std::string out;
    std::size_t count = 0, hidden = 0;
    const std::size_t max_entries = limits_.max_results * 5;
    walk_workspace(*ws_, *dir, depth, [&](const fs::path& path, bool is_dir) {
      if (count >= max_entries) {
        ++hidden;
        return true;
      }
      out += ws_->display(path) + (is_dir ? "/" : "") + "\n";
      ++count;
      return true;
    });
    if (count == 0) out = ws_->display(*dir) + " is empty\n";
    if (hidden > 0) out += fmt::format("[... {} more entries not shown ...]\n", hidden);
    return ToolOutput{cap_output(out, limits_.max_bytes), false};
  }

 private:
  std::shared_ptr<const Workspace> ws_;
  OutputLimits limits_;
};

class GlobTool : public ToolHandler {
 public:
  GlobTool(std::shared_ptr<const Workspace> ws, OutputLimits limits) : ws_(std::move(ws)), limits_(limits) {}
  std::string name() const override { return "glob"; }
  bool is_mutating() const override { return false; }
  nlohmann::json schema() const override {
    return {{"type", "object"},
            {"description", "Find files by glob pattern ('*', '?', '[..]', '**' across directories), ignore rules applied."},
            {"properties",
             {{"pattern", {{"type", "string"}, {"description", "e.g. 'src/**/*.cc' or '*.md'"}}},
              {"path", {{"type", "string"}, {"description", "Directory to search from (default '.')"}}}}},
            {"required", {"pattern"}},
            {"additionalProperties", false}};
  }
  Result<ToolOutput> handle(const ToolInvocation& call) override {
    Args args(name(), call.arguments);
    const std::string pattern = args.string("pattern");
    const std::string path_arg = args.optional_string("path").value_or(".");
    if (args.problem()) return args.error();
    auto dir = ws_->resolve_read(path_arg);
    if (!dir.ok()) return tool_error(dir.error().message);
    std::string out;
    std::size_t count = 0, more = 0;
    walk_workspace(*ws_, *dir, 64, [&](const fs::path& path, bool is_dir) {
      if (is_dir) return true;
      if (!glob_match(pattern, path.lexically_relative(*dir).generic_string())) return true;
      if (count++ < limits_.max_results) {
        out += ws_->display(path) + "\n";
      } else {
        ++more;
      }
      return true;
    });
    if (count == 0) return ToolOutput{"no files match " + pattern + "\n", false};
    if (more > 0) out += fmt::format("[... {} more matches not shown; narrow the pattern ...]\n", more);
    return ToolOutput{cap_output(out, limits_.max_bytes), false};
  }

 private:
  std::shared_ptr<const Workspace> ws_;
  OutputLimits limits_;
};

}  // namespace

std::unique_ptr<ToolHandler> make_list_dir_tool(std::shared_ptr<const Workspace> ws, OutputLimits limits) {
  return std::make_unique<ListDirTool>(std::move(ws), limits);
}
std::unique_ptr<ToolHandler> make_glob_tool(std::shared_ptr<const Workspace> ws, OutputLimits limits) {
  return std::make_unique<GlobTool>(std::move(ws), limits);
}

}  // namespace seek::tools
