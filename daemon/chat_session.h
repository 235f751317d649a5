// `seek chat [--repo DIR] [--resume ID|--last]`: an interactive terminal session with the
// agent. Streaming output (reasoning dimmed), tool calls with edits as coloured diffs,
// approval prompts (yes / no / always for this tool), Ctrl-C cancels the current turn (not
// the session), and slash commands: /mode chat|thinking|max, /model NAME, /resume ID,
// /diff, /undo (the last edit), /sessions, /fold, /reasoning, /help, /quit. The session
// lives in the daemon (started when none runs): this terminal is one of its watchers, so an
// editor can follow the same session, and a killed daemon loses nothing that was synced.
#pragma once

#include "daemon/agent_setup.h"

namespace seek::daemon {

struct ChatOptions {
  AgentFlags flags;
  std::string resume;  ///< a session id
  bool last = false;   ///< resume the newest session on this repository
  std::string mode;  ///< chat | thinking | max; empty: the backend's default
};

int run_chat(const ChatOptions& options);

}  // namespace seek::daemon
