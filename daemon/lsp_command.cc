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
#include "daemon/paths.h"
#include "daemon/version.h"
#include "lsp/framing.h"
#include "lsp/jsonrpc.h"
#include "lsp/server.h"

namespace seek::daemon {
namespace {

int in_process(const std::string& model) {
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

int connect_unix(const std::filesystem::path& path) {
  const int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return -1;
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  std::strncpy(addr.sun_path, path.c_str(), sizeof addr.sun_path - 1);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    ::close(fd);
    return -1;
  }
  return fd;
}

bool write_all(int fd, const char* data, std::size_t n) {
  while (n > 0) {
    const ssize_t w = ::write(fd, data, n);
    if (w < 0 && errno == EINTR) continue;
    if (w <= 0) return false;
    data += w;
    n -= static_cast<std::size_t>(w);
  }
  return true;
}

// Starts the daemon in the background, keeping stdout clean: it carries LSP frames.
bool ensure_daemon(const DaemonPaths& paths, const std::string& model) {
  if (query_status(paths, std::chrono::seconds(2)).ok()) return true;
  StartOptions start;
  start.server.paths = paths;
  if (!model.empty()) {
    start.server.model = std::filesystem::absolute(model).string();
    start.forwarded_args = {"--model", start.server.model};
  }
  std::fflush(stdout);
  const int saved = ::dup(STDOUT_FILENO);
  ::dup2(STDERR_FILENO, STDOUT_FILENO);
  const int code = daemon_start(start);
  std::fflush(stdout);
  ::dup2(saved, STDOUT_FILENO);
  ::close(saved);
  return code == 0;
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
  if (model.empty()) {
    if (const char* env = std::getenv("SEEK_MODEL"); env && *env) model = env;
  }
  if (options.no_daemon) return in_process(model);
  const DaemonPaths paths = default_daemon_paths();
  if (!ensure_daemon(paths, model)) {
    std::fprintf(stderr, "seek lsp: the daemon could not be started; see %s\n", paths.log.c_str());
    return 1;
  }
  int sock = -1;
  for (int attempt = 0; attempt < 100 && sock < 0; ++attempt) {
    sock = connect_unix(paths.dir / "lsp.sock");
    if (sock < 0) std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  if (sock < 0) {
    std::fprintf(stderr, "seek lsp: cannot reach %s: %s\n", (paths.dir / "lsp.sock").c_str(), std::strerror(errno));
    return 1;
  }
  const int code = bridge(sock);
  ::close(sock);
  return code;
}

}  // namespace seek::daemon
