// DaemonTest and RawClient (see daemon_harness.h).
#include "tests/daemon/daemon_harness.h"

#include "daemon/instance_lock.h"

#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <thread>

namespace seek::testing {

std::string read_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

RawClient::RawClient(const std::filesystem::path& socket) {
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  std::strncpy(addr.sun_path, socket.c_str(), sizeof addr.sun_path - 1);
  fd_ = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    connect_errno_ = errno;
    ::close(fd_);
    fd_ = -1;
  }
}

RawClient::~RawClient() { close(); }

void RawClient::close() {
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
}

bool RawClient::send(const std::string& bytes) {
  size_t sent = 0;
  while (sent < bytes.size()) {
    const ssize_t n = ::send(fd_, bytes.data() + sent, bytes.size() - sent, MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    sent += static_cast<size_t>(n);
  }
  return true;
}

std::optional<nlohmann::json> RawClient::read_json(std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    if (auto ev = decoder_.next()) {
      if (!ev->body) return std::nullopt;
      return nlohmann::json::parse(*ev->body, nullptr, /*allow_exceptions=*/false);
    }
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0 || fd_ < 0) return std::nullopt;
    pollfd pfd{fd_, POLLIN, 0};
    if (::poll(&pfd, 1, static_cast<int>(left.count())) <= 0) continue;
    char buf[65536];
    const ssize_t n = ::recv(fd_, buf, sizeof buf, 0);
    if (n <= 0) return std::nullopt;
    decoder_.feed(std::string_view(buf, static_cast<size_t>(n)));
  }
}

bool RawClient::wait_closed(std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    pollfd pfd{fd_, POLLIN, 0};
    if (::poll(&pfd, 1, 50) <= 0) continue;
    char buf[4096];
    const ssize_t n = ::recv(fd_, buf, sizeof buf, 0);
    if (n == 0 || (n < 0 && errno != EINTR && errno != EAGAIN)) return true;
  }
  return false;
}

void DaemonTest::SetUp() {}

void DaemonTest::TearDown() {
  // Stop whatever is running here; a daemon that ignores stop is killed by pid.
  seek({"daemon", "stop"}, std::chrono::seconds(20));
  const auto pid = daemon::InstanceLock::holder_pid(seek_dir() / "daemon.lock");
  if (pid && ::kill(*pid, 0) == 0 && read_file(std::filesystem::path("/proc") / std::to_string(*pid) / "cmdline").find("seek") != std::string::npos) {
    ::kill(*pid, SIGKILL);
  }
}

ProcessResult DaemonTest::seek(const std::vector<std::string>& args, std::chrono::milliseconds timeout) {
  std::vector<std::string> argv = {seek_binary()};
  argv.insert(argv.end(), args.begin(), args.end());
  return run_process(argv, {{"XDG_RUNTIME_DIR", runtime_dir().string()}}, timeout);
}

pid_t DaemonTest::start_daemon(const std::vector<std::string>& extra_args) {
  std::vector<std::string> args = {"daemon", "start"};
  args.insert(args.end(), extra_args.begin(), extra_args.end());
  auto r = seek(args);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  auto s = status();
  EXPECT_TRUE(s.has_value());
  return s ? s->value("pid", 0) : 0;
}

std::optional<nlohmann::json> DaemonTest::status() {
  auto r = seek({"daemon", "status"});
  if (r.exit_code != 0) return std::nullopt;
  auto j = nlohmann::json::parse(r.out, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) return std::nullopt;
  return j;
}

bool DaemonTest::wait_pid_gone(pid_t pid, std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    if (::kill(pid, 0) != 0 && errno == ESRCH) return true;
    // A killed daemon is reparented; a zombie still answers kill(0), so check its state.
    std::ifstream stat(std::filesystem::path("/proc") / std::to_string(pid) / "stat");
    std::string pid_s, comm, state;
    if (stat >> pid_s >> comm >> state && state == "Z") return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return false;
}

}  // namespace seek::testing
