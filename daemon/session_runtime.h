// The daemon's agent sessions: a SessionHost whose runtimes come from make_agent_setup,
// with one LocalEngine per model directory shared by every session on it (the engine
// serialises requests), and the daemon's --model as the default local model.
#pragma once

#include <memory>
#include <string>

#include "agent/session_host.h"

namespace seek::daemon {

std::unique_ptr<agent::SessionHost> make_session_host(std::string default_model);

}  // namespace seek::daemon
