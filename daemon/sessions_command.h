// `seek sessions [--repo DIR] [--json]` lists the agent sessions (newest first), from the
// session files, so it works with or without a daemon; `seek sessions show ID [--json]`
// prints one transcript. Exit 0, or 2 for a bad id or repository.
#pragma once

#include <string>

namespace seek::daemon {

struct SessionsOptions {
  std::string repo;  ///< empty: every repository
  std::string show;  ///< a session id: print its transcript
  bool json = false;
};

int run_sessions(const SessionsOptions& options);

}  // namespace seek::daemon
