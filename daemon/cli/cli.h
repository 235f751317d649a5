// The `seek` command line: subcommand dispatch and exit codes (0 ok, 2 usage error with the
// usage on stderr). Every subcommand is wired here and implemented elsewhere.
#pragma once

namespace seek::daemon {

/// Parses argv, runs the subcommand and returns the process exit code.
int run_cli(int argc, char** argv);

}  // namespace seek::daemon
