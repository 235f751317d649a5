// `seek lsp`: LSP over stdio. With --no-daemon (and, until the daemon bridge lands, always)
// the server runs in this process on a completion backend: the local engine on --model DIR
// (or SEEK_MODEL), else the model-free line-history backend.
#pragma once

#include <string>

namespace seek::daemon {

struct LspOptions {
  bool no_daemon = false;
  std::string model;  ///< checkpoint directory; empty: SEEK_MODEL, else no model
};

int run_lsp(const LspOptions& options);

}  // namespace seek::daemon
