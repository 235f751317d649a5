// `seek run "TASK"`: a headless agent task on a repository (contract in docs/agent.md).
// Exit code 0 on success, 1 on task failure (including a limit or a cancel), 2 on usage or
// configuration errors.
#pragma once

#include <string>

namespace seek::daemon {

struct RunOptions {
  std::string task;
  std::string repo;  ///< default: the current directory
  std::string backend = "local";  ///< local | openai
  std::string base_url;
  std::string model;
  std::string approval = "on-request";  ///< never | on-request | untrusted
  std::string sandbox = "workspace-write";
  bool json = false;
  int max_steps = 50;
  std::string mode;  ///< chat | thinking | max (the reasoning mode); empty: the backend's default
};

int run_task(const RunOptions& options);

}  // namespace seek::daemon
