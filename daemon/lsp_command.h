// `seek lsp`: LSP over stdio. By default a bridge to the daemon's LSP socket (the daemon is
// started, with --model DIR or SEEK_MODEL, if none runs; its sessions share one engine).
// With --no-daemon the server runs in this process: the local engine on --model DIR (or
// SEEK_MODEL), else the model-free line-history backend.
#pragma once

#include <string>

namespace seek::daemon {

struct LspOptions {
  bool no_daemon = false;
  std::string model;  ///< local: checkpoint directory (empty: SEEK_MODEL, else no model); openai: a name
  std::string backend = "local";  ///< local | openai
  std::string base_url;
};

int run_lsp(const LspOptions& options);

}  // namespace seek::daemon
