// `seek lsp` (see lsp_command.h): in-process with --no-daemon; otherwise a byte bridge
// between stdio and the daemon's LSP socket, starting the daemon if none runs.
#include "daemon/lsp_command.h"

#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <thread>

#include "agent/completion_service.h"
#include "base/log.h"
#include "daemon/control.h"
#include "daemon/lsp_socket.h"
#include "daemon/user_config.h"
#include "engine/remote/remote_backend.h"
#include "daemon/paths.h"
#include "daemon/version.h"
#include "lsp/framing.h"
#include "lsp/jsonrpc.h"
#include "lsp/server.h"

namespace seek::daemon {
namespace {

int in_process(const LspOptions& options, const std::string& model) {
  std::unique_ptr<agent::CompletionBackend> backend;
  if (options.backend == "openai") {
    auto remote = agent::make_remote_completion_backend(
        options.base_url, model, resolve_api_key([](const std::string& w) { std::fprintf(stderr, "seek lsp: %s\n", w.c_str()); }));
    if (!remote.ok()) {
      std::fprintf(stderr, "seek lsp: %s\n", remote.error().message.c_str());
      return 2;
    }
    backend = std::move(*remote);
  } else if (!model.empty()) {
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

// Pumps bytes both ways until the daemon closes. Frames from the daemon are re-framed to
// stdout except `seek/exited`, whose code becomes ours.
int bridge(int sock) {
  lsp::FrameDecoder from_daemon;
  int exit_code = 1;
  bool stdin_open = true;
  char buffer[65536];
  while (true) {
    pollfd fds[2] = {{sock, POLLIN, 0}, {STDIN_FILENO, static_cast<short>(stdin_open ? POLLIN : 0), 0}};
    if (::poll(fds, stdin_open ? 2 : 1, -1) < 0) {
      if (errno == EINTR) continue;
      return 1;
    }
    if (fds[0].revents & (POLLIN | POLLHUP | POLLERR)) {
      const ssize_t n = ::read(sock, buffer, sizeof buffer);
      if (n <= 0) return exit_code;  // the session is over
      from_daemon.feed(std::string_view(buffer, static_cast<std::size_t>(n)));
      while (auto event = from_daemon.next()) {
        if (!event->body) continue;
        auto parsed = lsp::parse_message(*event->body);
        if (auto* m = std::get_if<lsp::RpcMessage>(&parsed); m && m->method == "seek/exited") {
          exit_code = m->params.value("code", 1);
          continue;
        }
        const std::string frame = lsp::encode_frame(*event->body);
        if (!write_all(STDOUT_FILENO, frame.data(), frame.size())) return 1;
      }
    }
    if (stdin_open && (fds[1].revents & (POLLIN | POLLHUP | POLLERR))) {
      const ssize_t n = ::read(STDIN_FILENO, buffer, sizeof buffer);
      if (n <= 0) {
        stdin_open = false;
        ::shutdown(sock, SHUT_WR);  // the editor is gone; the daemon ends the session
        continue;
      }
      if (!write_all(sock, buffer, static_cast<std::size_t>(n))) return 1;
    }
  }
}

}  // namespace

int run_lsp(const LspOptions& options) {
  // stdout carries LSP frames: every log line goes to stderr (spdlog's default is stdout).
  log::setup("warn");
  std::string model = options.model;
  // A bad URL is a usage error here, not a silent fallback in the daemon later.
  if (Status checked = check_backend_flags(options.backend, options.base_url, model); !checked.ok()) {
    std::fprintf(stderr, "seek lsp: %s\n", checked.error().message.c_str());
    return 2;
  }
  if (model.empty()) {
    if (const char* env = std::getenv("SEEK_MODEL"); env && *env) model = env;
  }
  if (options.no_daemon) return in_process(options, model);
  const DaemonPaths paths = default_daemon_paths();
  if ((options.backend == "openai" || !options.model.empty()) && query_status(paths, std::chrono::seconds(2)).ok()) {
    std::fprintf(stderr, "seek lsp: a daemon is already running with its own model; the model flags apply when it "
                         "starts (seek daemon stop, then try again)\n");
  }
  if (!ensure_daemon(paths, {options.backend, options.base_url, model})) {
    std::fprintf(stderr, "seek lsp: the daemon could not be started; see %s\n", paths.log.c_str());
    return 1;
  }
  auto sock = connect_lsp_socket(paths);
  if (!sock.ok()) {
    std::fprintf(stderr, "seek lsp: %s\n", sock.error().message.c_str());
    return 1;
  }
  const int code = bridge(*sock);
  ::close(*sock);
  return code;
}

}  // namespace seek::daemon
