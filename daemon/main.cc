// seek's entry point: flags are parsed and objects wired in cli.cc.
#include <signal.h>

#include "daemon/cli.h"

int main(int argc, char** argv) {
  // A peer that goes away must cost us an EPIPE error, not the process.
  ::signal(SIGPIPE, SIG_IGN);
  return seek::daemon::run_cli(argc, argv);
}
