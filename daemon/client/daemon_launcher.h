// Starting, finding and stopping the daemon from a CLI process. `start` re-executes this
// binary as `seek daemon start --foreground ARGS` in a new session (so the daemon's command
// line keeps "seek daemon"), with stdio on the log file, and waits until the socket answers;
// `seek lsp` and `seek chat` start one this way when none runs.
#pragma once

#include <chrono>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "base/result.h"
#include "daemon/backend_choice.h"
#include "daemon/paths.h"

namespace seek::daemon {

/// The running daemon's seek/status, or the error that says why there is none
/// (kUnavailable: no daemon listens).
Result<nlohmann::json> query_status(const DaemonPaths& paths, std::chrono::milliseconds timeout);

/// The `seek daemon start` flags that give a daemon this model.
std::vector<std::string> daemon_model_args(const BackendFlags& model);

/// Starts the daemon in the background with `daemon_args` and waits until it answers; says
/// what happened on stdout (started) or stderr (already running, or why it failed). Returns
/// the exit code of `seek daemon start`: 0 when a daemon runs now.
int start_daemon_in_background(const DaemonPaths& paths, const std::vector<std::string>& daemon_args);

/// Asks the daemon to stop and waits for it to exit (SIGTERM when it does not). Returns the
/// exit code of `seek daemon stop`.
int stop_daemon(const DaemonPaths& paths);

/// Starts the daemon with `model` unless one answers (a running daemon keeps the model it
/// has), keeping stdout clean: it may carry LSP frames. False when it could not start.
bool ensure_daemon(const DaemonPaths& paths, const BackendFlags& model);

}  // namespace seek::daemon
