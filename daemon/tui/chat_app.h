// `seek chat`: the interactive terminal session with the agent. Streaming output (reasoning
// dimmed or folded), tool calls with edits as coloured diffs, approval prompts (yes / no /
// always for this tool), Ctrl-C cancels the current turn (not the session), and the slash
// commands of slash_commands.h. The session lives in the daemon (started when none runs):
// this terminal is one of its watchers, so an editor can follow the same session, and a
// killed daemon loses nothing that was synced.
#pragma once

#include <string>

#include "daemon/agent_setup.h"

namespace seek::daemon {

/// `seek chat [--repo DIR] [--resume ID|--last]` and the model flags.
struct ChatOptions {
  AgentFlags flags;
  std::string resume;  ///< a session id
  bool last = false;   ///< resume the newest session on this repository
  std::string mode;    ///< chat | thinking | max; empty: the backend's default
};

namespace tui {

/// Runs the session; returns the exit code (0, 1 when the daemon is lost, 2 on usage errors).
int run_chat_app(const ChatOptions& options);

}  // namespace tui
}  // namespace seek::daemon
