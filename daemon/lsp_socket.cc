// Reaching the daemon's LSP socket (see lsp_socket.h).
#include "daemon/lsp_socket.h"

#include <fmt/format.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <thread>

#include "daemon/control.h"

namespace seek::daemon {

namespace {

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

}  // namespace

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
bool ensure_daemon(const DaemonPaths& paths, const DaemonModel& model) {
  if (query_status(paths, std::chrono::seconds(2)).ok()) return true;
  StartOptions start;
  start.server.paths = paths;
  if (model.backend == "openai") {
    start.server.backend = "openai";
    start.server.base_url = model.base_url;
    start.server.model = model.model;
    start.forwarded_args = {"--backend", "openai", "--base-url", model.base_url, "--model", model.model};
  } else if (!model.model.empty()) {
    start.server.model = std::filesystem::absolute(model.model).string();
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

Result<int> connect_lsp_socket(const DaemonPaths& paths) {
  for (int attempt = 0; attempt < 100; ++attempt) {
    const int fd = connect_unix(paths.dir / "lsp.sock");
    if (fd >= 0) return fd;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return make_error(ErrorCode::kUnavailable,
                    fmt::format("cannot reach {}: {}", (paths.dir / "lsp.sock").string(), std::strerror(errno)));
}

}  // namespace seek::daemon
