// `seek lsp`'s bridge: the editor's LSP stream on stdio, relayed to the daemon's LSP socket
// and back, frame by frame from the daemon so that its `seek/exited {code}` becomes this
// process's exit code (the code the LSP rules give the editor's server process).
#pragma once

#include "base/result.h"
#include "daemon/paths.h"

namespace seek::daemon {

/// Connects to lsp.sock (retried for ~5 s while a daemon starts) and relays until the daemon
/// ends the session. Returns the exit code; an error when the socket cannot be reached.
Result<int> bridge_stdio_to_daemon(const DaemonPaths& paths);

}  // namespace seek::daemon
