// `seek daemon start|stop|status` (see commands.h): the foreground daemon runs here; the
// background start, the stop and the status query go through client/daemon_launcher.
#include <cstdio>

#include "base/log.h"
#include "daemon/cli/commands.h"
#include "daemon/client/daemon_launcher.h"

namespace seek::daemon {

using namespace std::chrono_literals;

int run_daemon_start(const DaemonStartOptions& options) {
  if (!options.foreground) return start_daemon_in_background(options.server.paths, options.forwarded_args);
  log::setup(options.log_level);
  auto status = run_daemon(options.server);
  if (status.ok()) return 0;
  if (status.error().code == ErrorCode::kAlreadyExists) {
    std::fprintf(stderr, "seek: %s; not starting another\n", status.error().message.c_str());
    return 0;
  }
  std::fprintf(stderr, "seek: daemon failed: %s\n", status.error().message.c_str());
  return 1;
}

int run_daemon_status(const DaemonPaths& paths) {
  auto status = query_status(paths, 5s);
  if (status.ok()) {
    std::printf("%s\n", status->dump().c_str());
    return 0;
  }
  if (status.error().code == ErrorCode::kUnavailable) {
    std::fprintf(stderr, "seek: no daemon is running (%s)\n", status.error().message.c_str());
    return kExitNotRunning;
  }
  std::fprintf(stderr, "seek: daemon status: %s\n", status.error().message.c_str());
  return 1;
}

int run_daemon_stop(const DaemonPaths& paths) { return stop_daemon(paths); }

}  // namespace seek::daemon
