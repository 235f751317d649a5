// run_daemon: lock -> private dir -> bind (replacing a stale socket) -> accept loop, plus
// SIGTERM/SIGINT and seek/shutdown, all on one io_context. Shutdown closes the listener and
// every connection, removes the socket file (only if it is still ours) and releases the lock.
#include "daemon/server.h"

#include <sys/stat.h>
#include <unistd.h>

#include <fcntl.h>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/local/stream_protocol.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <map>
#include <memory>

#include <fmt/format.h>

#include "base/check.h"
#include "agent/completion_service.h"
#include "base/log.h"
#include "daemon/default_model.h"
#include "daemon/lsp_service.h"
#include "daemon/session_runtime.h"
#include "daemon/user_config.h"
#include "engine/remote/remote_backend.h"
#include "daemon/version.h"
#include "daemon/connection.h"
#include "daemon/instance_lock.h"
#include "daemon/method_table.h"

namespace seek::daemon {

namespace asio = boost::asio;
using stream_protocol = asio::local::stream_protocol;

namespace {

class Server {
 public:
  Server(asio::io_context& io, const ServerOptions& options)
      : io_(io), options_(options), acceptor_(io), signals_(io, SIGINT, SIGTERM) {}

  Status listen();
  void start();
  void stop();

 private:
  asio::awaitable<void> accept_loop();
  void add_methods();

  asio::io_context& io_;
  ServerOptions options_;
  stream_protocol::acceptor acceptor_;
  asio::signal_set signals_;
  MethodTable methods_;
  std::map<uint64_t, std::shared_ptr<Connection>> connections_;
  uint64_t next_id_ = 1;
  bool stopping_ = false;
  bool shutdown_requested_ = false;
  ino_t socket_inode_ = 0;
  dev_t socket_device_ = 0;
};

Status Server::listen() {
  const std::string path = options_.paths.socket.string();
  // We hold the instance lock, so a socket file here belongs to a daemon that died.
  if (::unlink(path.c_str()) == 0) log::info("replaced a stale socket at {}", path);

  boost::system::error_code ec;
  acceptor_.open(stream_protocol(), ec);
  if (ec) return make_error(ErrorCode::kIo, "cannot open the daemon socket: " + ec.message());
  // umask 0177 makes the socket 0600 from the moment it exists, with no chmod race.
  const mode_t old_mask = ::umask(0177);
  acceptor_.bind(stream_protocol::endpoint(path), ec);
  ::umask(old_mask);
  if (ec) return make_error(ErrorCode::kIo, fmt::format("cannot bind {}: {}", path, ec.message()));
  SEEK_CHECK_ERRNO(::chmod(path.c_str(), 0600), "cannot chmod the daemon socket");
  acceptor_.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) return make_error(ErrorCode::kIo, fmt::format("cannot listen on {}: {}", path, ec.message()));

  struct stat st{};
  SEEK_CHECK_ERRNO(::stat(path.c_str(), &st), "cannot stat the daemon socket");
  socket_inode_ = st.st_ino;
  socket_device_ = st.st_dev;
  return ok_status();
}

void Server::add_methods() {
  DaemonState state{
      .pid = ::getpid(),
      .started_at = std::chrono::steady_clock::now(),
      .socket_path = options_.paths.socket.string(),
      .client_count = [this] { return connections_.size(); },
      .request_shutdown = [this] { shutdown_requested_ = true; },
  };
  add_daemon_methods(methods_, state);
}

void Server::start() {
  add_methods();
  signals_.async_wait([this](const boost::system::error_code& ec, int signo) {
    if (ec) return;
    log::info("signal {}: shutting down", signo);
    stop();
  });
  asio::co_spawn(io_, accept_loop(), [](std::exception_ptr e) {
    if (!e) return;
    try {
      std::rethrow_exception(e);
    } catch (const std::exception& ex) {
      log::error("accept loop: {}", ex.what());
    }
  });
}

asio::awaitable<void> Server::accept_loop() {
  asio::steady_timer backoff(io_);
  while (!stopping_) {
    auto [ec, socket] = co_await acceptor_.async_accept(asio::as_tuple(asio::use_awaitable));
    if (stopping_) co_return;
    if (ec) {
      // Out of descriptors or a transient error: wait a little instead of spinning.
      log::warn("accept: {}", ec.message());
      backoff.expires_after(std::chrono::milliseconds(100));
      co_await backoff.async_wait(asio::as_tuple(asio::use_awaitable));
      continue;
    }
    if (connections_.size() >= options_.max_clients) {
      log::warn("refusing a connection: {} clients already", connections_.size());
      boost::system::error_code ignored;
      socket.close(ignored);
      continue;
    }
    const uint64_t id = next_id_++;
    ConnectionHooks hooks{
        .on_close = [this](uint64_t closed) { connections_.erase(closed); },
        .after_reply =
            [this] {
              if (shutdown_requested_) stop();
            },
    };
    ConnectionOptions conn_options{.frame_limits = options_.frame_limits,
                                   .frame_timeout = options_.frame_timeout,
                                   .write_timeout = options_.write_timeout};
    auto connection = std::make_shared<Connection>(std::move(socket), id, methods_, conn_options, std::move(hooks));
    connections_.emplace(id, connection);
    connection->start();
  }
}

void Server::stop() {
  if (stopping_) return;
  stopping_ = true;
  boost::system::error_code ignored;
  acceptor_.close(ignored);
  signals_.cancel(ignored);
  // Remove the socket file only if it is still the one we bound.
  struct stat st{};
  const std::string path = options_.paths.socket.string();
  if (::stat(path.c_str(), &st) == 0 && st.st_ino == socket_inode_ && st.st_dev == socket_device_) {
    ::unlink(path.c_str());
  }
  // Copy: closing may run callbacks that erase from the map.
  auto open = connections_;
  for (auto& [id, connection] : open) connection->close();
}

}  // namespace

// A background daemon writes to daemon.log (its stdout and stderr). Past 8 MiB the log is
// kept as daemon.log.1 and a fresh one started; only the lock holder does this, and only
// when its output really is that file (not a terminal).
static void rotate_log(const std::filesystem::path& log) {
  struct stat file{}, out{};
  if (::stat(log.c_str(), &file) != 0 || ::fstat(STDOUT_FILENO, &out) != 0) return;
  if (file.st_ino != out.st_ino || file.st_dev != out.st_dev || file.st_size < (8 << 20)) return;
  const std::string old = log.string() + ".1";
  if (::rename(log.c_str(), old.c_str()) != 0) return;
  const int fd = ::open(log.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
  if (fd < 0) return;
  ::dup2(fd, STDOUT_FILENO);
  ::dup2(fd, STDERR_FILENO);
  ::close(fd);
}

Status run_daemon(const ServerOptions& options) {
  SEEK_RETURN_IF_ERROR(ensure_private_dir(options.paths.dir));
  SEEK_RETURN_IF_ERROR(check_socket_path(options.paths.socket));
  SEEK_ASSIGN_OR_RETURN(InstanceLock lock, InstanceLock::acquire(options.paths.lock));
  rotate_log(options.paths.log);

  // The model every LSP session shares, loaded when the first session needs it: start-up
  // stays instant (concurrent starts settle on the lock and the socket at once).
  // Agent sessions live here, so an editor and a terminal can share one; they outlive every
  // LSP session (their watchers go) and stop after them (running turns are cancelled).
  std::unique_ptr<agent::SessionHost> sessions = make_session_host(options.backend == "local" ? options.model : "");
  LspService lsp_service(
      [model_flag = options.model, backend = options.backend, base_url = options.base_url]()
          -> Result<std::unique_ptr<agent::CompletionBackend>> {
        if (backend == "openai") {
          const std::string key = resolve_api_key([](const std::string& w) { log::warn("{}", w); });
          log::info("inline completion from {} ({})", base_url, model_flag);
          return agent::make_remote_completion_backend(base_url, model_flag, key);
        }
        SEEK_ASSIGN_OR_RETURN(ModelChoice model, resolve_model(model_flag));
        log::info("loading model {}{}", model.dir, model.embedded_default ? " (the embedded default: random weights)" : "");
        return agent::make_engine_backend(model.dir);
      },
      std::string(version()), sessions.get());

  asio::io_context io(1);
  Server server(io, options);
  SEEK_RETURN_IF_ERROR(server.listen());
  SEEK_RETURN_IF_ERROR(lsp_service.start(options.paths.dir / "lsp.sock"));
  server.start();
  log::info("seek daemon (pid {}) listening on {}", ::getpid(), options.paths.socket.string());
  Status result = ok_status();
  try {
    io.run();
  } catch (const std::exception& e) {
    server.stop();
    result = make_error(ErrorCode::kInternal, std::string("daemon event loop: ") + e.what());
  }
  lsp_service.stop();
  sessions->stop();
  log::info("seek daemon stopped");
  return result;
}

}  // namespace seek::daemon
