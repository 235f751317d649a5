// The daemon's LSP endpoint (see lsp_service.h).
#include "daemon/lsp_service.h"

#include <fmt/format.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <vector>

#include "base/log.h"
#include "lsp/jsonrpc.h"
#include "lsp/server.h"
#include "lsp/transport.h"

namespace seek::daemon {

Status LspService::start(const std::filesystem::path& socket_path) {
  path_ = socket_path;
  ::unlink(path_.c_str());  // we hold the daemon's instance lock: a leftover is stale
  listen_fd_ = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (listen_fd_ < 0) return make_error(ErrorCode::kIo, std::string("lsp socket: ") + std::strerror(errno));
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  if (path_.string().size() >= sizeof addr.sun_path) return make_error(ErrorCode::kInvalidArgument, "lsp socket path too long");
  std::strncpy(addr.sun_path, path_.c_str(), sizeof addr.sun_path - 1);
  const mode_t old_mask = ::umask(0177);  // 0600 from the start
  const int bound = ::bind(listen_fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
  ::umask(old_mask);
  if (bound != 0 || ::listen(listen_fd_, 64) != 0) {
    return make_error(ErrorCode::kIo, fmt::format("cannot listen on {}: {}", path_.string(), std::strerror(errno)));
  }
  acceptor_ = std::thread([this] { accept_loop(); });
  return ok_status();
}

void LspService::stop() {
  if (stopping_.exchange(true)) return;
  if (listen_fd_ >= 0) ::shutdown(listen_fd_, SHUT_RDWR);
  if (acceptor_.joinable()) acceptor_.join();
  if (listen_fd_ >= 0) ::close(listen_fd_);
  {
    std::lock_guard lock(mutex_);
    for (const auto& [fd, thread] : clients_) ::shutdown(fd, SHUT_RDWR);  // their reads end; sessions return
  }
  while (true) {  // sessions move themselves to finished_ as they end
    std::thread thread;
    {
      std::lock_guard lock(mutex_);
      if (clients_.empty() && finished_.empty()) break;
      if (!finished_.empty()) {
        thread = std::move(finished_.back());
        finished_.pop_back();
      }
    }
    if (thread.joinable()) {
      thread.join();
    } else {
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
  }
  ::unlink(path_.c_str());
}

void LspService::accept_loop() {
  while (!stopping_) {
    const int fd = ::accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
    if (fd < 0) {
      if (errno == EINTR || errno == ECONNABORTED) continue;
      if (!stopping_) log::warn("lsp accept: {}", std::strerror(errno));
      return;
    }
    std::vector<std::thread> done;
    {
      std::lock_guard lock(mutex_);
      done.swap(finished_);
      clients_.emplace(fd, std::thread([this, fd] { serve(fd); }));
    }
    for (std::thread& t : done) t.join();
  }
}

agent::CompletionService& LspService::completions() {
  std::call_once(loaded_, [this] {
    auto backend = make_backend_();
    if (!backend.ok()) {
      // The daemon stays useful (and says why in its log) rather than refusing editors.
      log::error("the model could not be loaded ({}); serving model-free completions", backend.error().message);
      completions_ = std::make_unique<agent::CompletionService>(agent::make_line_history_backend());
    } else {
      completions_ = std::make_unique<agent::CompletionService>(std::move(*backend));
    }
  });
  return *completions_;
}

void LspService::serve(int fd) {
  ++sessions_;
  log::info("lsp session on fd {} started", fd);
  int code = 1;
  {
    lsp::StreamTransport transport(fd, fd);
    lsp::LspServer server(transport, completions(), {"seek", version_}, sessions_host_);
    code = server.run();
    transport.write(lsp::make_notification("seek/exited", {{"code", code}}));
  }
  log::info("lsp session on fd {} ended with code {}", fd, code);
  --sessions_;
  // Hand this thread over for joining and close the fd under the lock, so stop() never
  // shuts down a number the kernel has already given to someone else.
  std::lock_guard lock(mutex_);
  if (auto it = clients_.find(fd); it != clients_.end()) {
    finished_.push_back(std::move(it->second));
    clients_.erase(it);
  }
  ::close(fd);
}

}  // namespace seek::daemon
