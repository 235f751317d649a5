// run_daemon: lock -> private dir -> bind both sockets (replacing stale ones) -> accept
// loops, plus SIGTERM/SIGINT and seek/shutdown, all on one io_context. Shutdown closes the
// listeners, lets every connection write what it has queued and close, removes the socket
// files (only if they are still ours) and releases the lock.
#include "daemon/server/server.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/local/stream_protocol.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <atomic>
#include <map>
#include <memory>
#include <vector>

#include <fmt/format.h>

#include "base/check.h"
#include "base/log.h"
#include "daemon/server/client_session.h"
#include "daemon/server/connection.h"
#include "daemon/instance_lock.h"
#include "daemon/server/model_hub.h"
#include "daemon/version.h"

namespace seek::daemon {

namespace asio = boost::asio;
using stream_protocol = asio::local::stream_protocol;

namespace {

// One listening Unix socket, and the identity of its file (removed at exit only if it is
// still the one we bound).
struct Listener {
  explicit Listener(asio::io_context& io) : acceptor(io) {}
  stream_protocol::acceptor acceptor;
  std::filesystem::path path;
  ino_t inode = 0;
  dev_t device = 0;
};

class Server {
 public:
  Server(asio::io_context& io, const ServerOptions& options, ModelHub& models)
      : io_(io), options_(options), models_(models), signals_(io, SIGINT, SIGTERM) {}

  Status listen(const std::filesystem::path& path);
  void start();
  void stop();

 private:
  asio::awaitable<void> accept_loop(Listener& listener);

  asio::io_context& io_;
  ServerOptions options_;
  ModelHub& models_;
  asio::signal_set signals_;
  std::vector<std::unique_ptr<Listener>> listeners_;
  DaemonState state_;
  std::map<std::uint64_t, std::shared_ptr<Connection>> connections_;  // io thread only
  std::atomic<std::size_t> open_{0};  // connections still read from: the clients seek/status counts
  std::uint64_t next_id_ = 1;
  bool stopping_ = false;
};

Status Server::listen(const std::filesystem::path& path) {
  auto listener = std::make_unique<Listener>(io_);
  listener->path = path;
  SEEK_RETURN_IF_ERROR(check_socket_path(path));
  // We hold the instance lock, so a socket file here belongs to a daemon that died.
  if (::unlink(path.c_str()) == 0) log::info("replaced a stale socket at {}", path.string());

  boost::system::error_code ec;
  listener->acceptor.open(stream_protocol(), ec);
  if (ec) return make_error(ErrorCode::kIo, "cannot open a socket: " + ec.message());
  // umask 0177 makes the socket 0600 from the moment it exists, with no chmod race.
  const mode_t old_mask = ::umask(0177);
  listener->acceptor.bind(stream_protocol::endpoint(path.string()), ec);
  ::umask(old_mask);
  if (ec) return make_error(ErrorCode::kIo, fmt::format("cannot bind {}: {}", path.string(), ec.message()));
  SEEK_CHECK_ERRNO(::chmod(path.c_str(), 0600), "cannot chmod the daemon socket");
  listener->acceptor.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) return make_error(ErrorCode::kIo, fmt::format("cannot listen on {}: {}", path.string(), ec.message()));

  struct stat st{};
  SEEK_CHECK_ERRNO(::stat(path.c_str(), &st), "cannot stat the daemon socket");
  listener->inode = st.st_ino;
  listener->device = st.st_dev;
  listeners_.push_back(std::move(listener));
  return ok_status();
}

void Server::start() {
  state_ = DaemonState{
      .pid = ::getpid(),
      .started_at = std::chrono::steady_clock::now(),
      .socket_path = options_.paths.socket.string(),
      .client_count = [this] { return open_.load(); },
      .request_shutdown = [this] { asio::post(io_, [this] { stop(); }); },
  };
  signals_.async_wait([this](const boost::system::error_code& ec, int signo) {
    if (ec) return;
    log::info("signal {}: shutting down", signo);
    stop();
  });
  for (auto& listener : listeners_) {
    asio::co_spawn(io_, accept_loop(*listener), [](std::exception_ptr e) {
      if (!e) return;
      try {
        std::rethrow_exception(e);
      } catch (const std::exception& ex) {
        log::error("accept loop: {}", ex.what());
      }
    });
  }
}

asio::awaitable<void> Server::accept_loop(Listener& listener) {
  asio::steady_timer backoff(io_);
  while (!stopping_) {
    auto [ec, socket] = co_await listener.acceptor.async_accept(asio::as_tuple(asio::use_awaitable));
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
    const std::uint64_t id = next_id_++;
    ConnectionOptions connection_options{.frame_limits = options_.frame_limits,
                                         .frame_timeout = options_.frame_timeout,
                                         .write_timeout = options_.write_timeout};
    HandlerFactory make_handler = [this](lsp::Transport& transport) -> std::unique_ptr<MessageHandler> {
      return std::make_unique<ClientSession>(transport, models_, state_, std::string(version()));
    };
    Connection::Hooks hooks{.on_input_end = [this] { --open_; },
                            .on_finished = [this](std::uint64_t finished) { connections_.erase(finished); }};
    auto connection = std::make_shared<Connection>(std::move(socket), id, std::move(make_handler), connection_options,
                                                   std::move(hooks));
    connections_.emplace(id, connection);
    ++open_;
    connection->start();
  }
}

void Server::stop() {
  if (stopping_) return;
  stopping_ = true;
  boost::system::error_code ignored;
  signals_.cancel(ignored);
  for (auto& listener : listeners_) {
    listener->acceptor.close(ignored);
    // Remove the socket file only if it is still the one we bound.
    struct stat st{};
    if (::stat(listener->path.c_str(), &st) == 0 && st.st_ino == listener->inode && st.st_dev == listener->device) {
      ::unlink(listener->path.c_str());
    }
  }
  // Each connection writes what it has queued (the shutdown reply among it), then closes.
  for (auto& [id, connection] : connections_) connection->close_when_drained();
}

// A background daemon writes to daemon.log (its stdout and stderr). Past 8 MiB the log is
// kept as daemon.log.1 and a fresh one started; only the lock holder does this, and only
// when its output really is that file (not a terminal).
void rotate_log(const std::filesystem::path& log) {
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

}  // namespace

Status run_daemon(const ServerOptions& options) {
  SEEK_RETURN_IF_ERROR(ensure_private_dir(options.paths.dir));
  SEEK_ASSIGN_OR_RETURN(InstanceLock lock, InstanceLock::acquire(options.paths.lock));
  rotate_log(options.paths.log);

  // The models every connection shares; inline completion loads when the first editor
  // session initializes, so start-up stays instant. Agent sessions outlive every
  // connection, and stop after them (running turns are cancelled).
  ModelHub models(options.model);
  Status result = ok_status();
  {
    asio::io_context io(1);
    Server server(io, options, models);
    SEEK_RETURN_IF_ERROR(server.listen(options.paths.socket));
    SEEK_RETURN_IF_ERROR(server.listen(options.paths.lsp_socket));
    server.start();
    log::info("seek daemon (pid {}) listening on {} and {}", ::getpid(), options.paths.socket.string(),
              options.paths.lsp_socket.string());
    try {
      io.run();  // until every connection has finished after stop()
    } catch (const std::exception& e) {
      server.stop();
      result = make_error(ErrorCode::kInternal, std::string("daemon event loop: ") + e.what());
    }
  }
  models.stop();
  log::info("seek daemon stopped");
  return result;
}

}  // namespace seek::daemon
