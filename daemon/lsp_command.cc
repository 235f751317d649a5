// `seek lsp` (see lsp_command.h).
#include "daemon/lsp_command.h"

#include <unistd.h>

#include <cstdio>
#include <cstdlib>

#include "agent/completion_service.h"
#include "daemon/version.h"
#include "lsp/server.h"

namespace seek::daemon {

int run_lsp(const LspOptions& options) {
  std::string model = options.model;
  if (model.empty()) {
    if (const char* env = std::getenv("SEEK_MODEL"); env && *env) model = env;
  }
  std::unique_ptr<agent::CompletionBackend> backend;
  if (!model.empty()) {
    auto engine = agent::make_engine_backend(model);
    if (!engine.ok()) {
      std::fprintf(stderr, "seek lsp: %s\n", engine.error().message.c_str());
      return 2;
    }
    backend = std::move(*engine);
  } else {
    backend = agent::make_line_history_backend();
  }
  agent::CompletionService service(std::move(backend));
  lsp::StreamTransport transport(STDIN_FILENO, STDOUT_FILENO);
  lsp::LspServer server(transport, service, {"seek", std::string(version())});
  return server.run();
}

}  // namespace seek::daemon
