// `seek lsp` (see commands.h): in-process with --no-daemon; otherwise a bridge between stdio
// and the daemon's LSP socket, starting the daemon if none runs.
#include <unistd.h>

#include <chrono>
#include <cstdio>

#include "base/log.h"
#include "daemon/backend_choice.h"
#include "daemon/cli/commands.h"
#include "daemon/client/daemon_launcher.h"
#include "daemon/client/stdio_bridge.h"
#include "daemon/version.h"
#include "lsp/endpoint.h"
#include "lsp/server.h"

namespace seek::daemon {
namespace {

int in_process(const LspOptions& options) {
  auto source = make_completion_source(options.model, /*default_model=*/false,
                                       [](const std::string& w) { std::fprintf(stderr, "seek lsp: %s\n", w.c_str()); });
  if (!source.ok()) {
    std::fprintf(stderr, "seek lsp: %s\n", source.error().message.c_str());
    return 2;
  }
  agent::CompletionService service(std::move(*source));
  lsp::StreamTransport transport(STDIN_FILENO, STDOUT_FILENO);
  lsp::MethodTable table;
  lsp::LspServer server(transport, [&service]() -> agent::CompletionService& { return service; }, {"seek", std::string(version())});
  server.bind(table);
  lsp::Endpoint endpoint(transport, table);
  return lsp::serve_stream(transport, endpoint);
}

}  // namespace

int run_lsp(const LspOptions& options) {
  // stdout carries LSP frames: every log line goes to stderr (spdlog's default is stdout).
  log::setup("warn");
  // A bad URL is a usage error here, not a silent fallback in the daemon later.
  if (Status checked = check_backend_flags(options.model.backend, options.model.base_url, options.model.model); !checked.ok()) {
    std::fprintf(stderr, "seek lsp: %s\n", checked.error().message.c_str());
    return 2;
  }
  if (options.no_daemon) return in_process(options);
  BackendFlags model = options.model;
  model.model = model_flag_or_env(model.model);
  const DaemonPaths paths = default_daemon_paths();
  if ((options.model.backend == "openai" || !options.model.model.empty()) && query_status(paths, std::chrono::seconds(2)).ok()) {
    std::fprintf(stderr, "seek lsp: a daemon is already running with its own model; the model flags apply when it "
                         "starts (seek daemon stop, then try again)\n");
  }
  if (!ensure_daemon(paths, model)) {
    std::fprintf(stderr, "seek lsp: the daemon could not be started; see %s\n", paths.log.c_str());
    return 1;
  }
  auto code = bridge_stdio_to_daemon(paths);
  if (!code.ok()) {
    std::fprintf(stderr, "seek lsp: %s\n", code.error().message.c_str());
    return 1;
  }
  return *code;
}

}  // namespace seek::daemon
