// seek's entry point: flags are parsed and objects wired in cli/cli.cc.
#include <signal.h>

#include <cstring>

#include "daemon/cli/cli.h"
#include "sandbox/launcher.h"

int main(int argc, char** argv) {
  // Inside the sandbox, before anything else: stage 2 of `seek exec` (sandbox/launcher.h).
  // It must not inherit the SIGPIPE disposition below into the command it execs.
  if (argc > 1 && std::strcmp(argv[1], "__sandbox-stage2") == 0) return seek::sandbox::run_stage2(argc, argv);
  // A peer that goes away must cost us an EPIPE error, not the process.
  ::signal(SIGPIPE, SIG_IGN);
  return seek::daemon::run_cli(argc, argv);
}
