// The git tools (libgit2): git_status, git_diff, git_log, git_show, git_branch, git_add,
// git_commit. No push, reset or force exists: history is only added to.
#pragma once

#include <memory>

#include "tools/file_tools.h"

namespace seek::tools {

Status register_git_tools(ToolRegistry& registry, std::shared_ptr<const Workspace> workspace, OutputLimits limits = {});

}  // namespace seek::tools
