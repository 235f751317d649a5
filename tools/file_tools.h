// The file tools the agent uses on its workspace: read_file, list_dir, glob, grep,
// write_file, edit and apply_patch. Each is a ToolHandler in its own file; this header
// registers them all for one workspace.
#pragma once

#include <memory>

#include "tools/tool.h"
#include "tools/workspace.h"

namespace seek::tools {

/// Size caps on what the model sees (deterministic truncation beyond them).
struct OutputLimits {
  std::size_t max_bytes = 64 * 1024;   ///< any one tool output
  std::size_t max_lines = 2000;        ///< read_file lines per call
  std::size_t max_line_chars = 2000;   ///< longer lines are cut
  std::size_t max_file_bytes = 8u << 20;  ///< files larger than this are not read whole
  std::size_t max_results = 200;       ///< glob / grep results
};

Status register_file_tools(ToolRegistry& registry, std::shared_ptr<const Workspace> workspace,
                           OutputLimits limits = {});

std::unique_ptr<ToolHandler> make_read_file_tool(std::shared_ptr<const Workspace>, OutputLimits);
std::unique_ptr<ToolHandler> make_list_dir_tool(std::shared_ptr<const Workspace>, OutputLimits);
std::unique_ptr<ToolHandler> make_glob_tool(std::shared_ptr<const Workspace>, OutputLimits);
std::unique_ptr<ToolHandler> make_grep_tool(std::shared_ptr<const Workspace>, OutputLimits);
std::unique_ptr<ToolHandler> make_write_file_tool(std::shared_ptr<const Workspace>, OutputLimits);
std::unique_ptr<ToolHandler> make_edit_tool(std::shared_ptr<const Workspace>, OutputLimits);
std::unique_ptr<ToolHandler> make_apply_patch_tool(std::shared_ptr<const Workspace>, OutputLimits);

}  // namespace seek::tools
