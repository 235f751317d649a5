// `seek daemon start|stop|status`: the commands that manage the daemon process. Each returns
// the process exit code: start 0 once the socket accepts connections (also when one already
// runs); status 0 with one JSON line, 3 when no daemon runs; stop 0 once it has exited.
#pragma once

#include <chrono>
#include <string>

#include <nlohmann/json.hpp>
#include <vector>

#include "daemon/server.h"

namespace seek::daemon {

/// The running daemon's status, or the error that says why there is none.
Result<nlohmann::json> query_status(const DaemonPaths& paths, std::chrono::milliseconds timeout);

/// Exit code of `seek daemon status` when no daemon is running.
inline constexpr int kExitNotRunning = 3;

struct StartOptions {
  bool foreground = false;
  ServerOptions server;
  std::string log_level = "info";
  /// Flags to repeat when re-executing `seek daemon start --foreground` in the background.
  std::vector<std::string> forwarded_args;
};

int daemon_start(const StartOptions& options);
int daemon_stop(const DaemonPaths& paths);
int daemon_status(const DaemonPaths& paths);

/// The path of the running executable (/proc/self/exe), for re-executing seek as a helper.
Result<std::string> self_executable();

}  // namespace seek::daemon
