// The daemon's agent sessions: a SessionHost whose runtimes come from make_agent_setup,
// with one LocalEngine per model directory (by canonical path) shared by every session on
// it (the engine serialises requests), and the daemon's --model as the default local model.
// Inline completion keeps an engine of its own on purpose: a keystroke must not wait behind
// an agent turn, and the weights are memory-mapped, so the page cache holds them once.
#pragma once

#include <memory>
#include <string>

#include "agent/session_host.h"

namespace seek::daemon {

std::unique_ptr<agent::SessionHost> make_session_host(std::string default_model);

}  // namespace seek::daemon
