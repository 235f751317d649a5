// Daemon process management from the CLI (see daemon_launcher.h).
#include "daemon/client/daemon_launcher.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <thread>

#include <fmt/format.h>

#include "daemon/client/rpc_client.h"
#include "daemon/instance_lock.h"

namespace seek::daemon {

using namespace std::chrono_literals;

Result<nlohmann::json> query_status(const DaemonPaths& paths, std::chrono::milliseconds timeout) {
  SEEK_ASSIGN_OR_RETURN(std::unique_ptr<RpcClient> client, RpcClient::connect(paths.socket));
  return client->call("seek/status", nlohmann::json::object(), timeout);
}

std::vector<std::string> daemon_model_args(const BackendFlags& model) {
  if (model.backend == "openai") return {"--backend", "openai", "--base-url", model.base_url, "--model", model.model};
  if (!model.model.empty()) return {"--model", std::filesystem::absolute(model.model).string()};
  return {};
}

namespace {

std::string log_tail(const std::filesystem::path& log, size_t max_lines) {
  std::ifstream in(log);
  std::vector<std::string> lines;
  for (std::string line; std::getline(in, line);) {
    lines.push_back(line);
    if (lines.size() > max_lines) lines.erase(lines.begin());
  }
  std::string out;
  for (const auto& line : lines) out += "  " + line + "\n";
  return out;
}

// `start` found a daemon answering: say so, as every "already running" path does.
int report_already_running(const nlohmann::json& status, const DaemonPaths& paths) {
  std::fprintf(stderr, "seek: a seek daemon is already running (pid %s, socket %s); not starting another\n",
               status.value("pid", nlohmann::json()).dump().c_str(), paths.socket.c_str());
  return 0;
}

}  // namespace

int start_daemon_in_background(const DaemonPaths& paths, const std::vector<std::string>& daemon_args) {
  if (auto running = query_status(paths, 5s); running.ok()) return report_already_running(*running, paths);
  if (auto dir = ensure_private_dir(paths.dir); !dir.ok()) {
    std::fprintf(stderr, "seek: %s\n", dir.error().message.c_str());
    return 1;
  }
  auto exe = self_executable();
  if (!exe.ok()) {
    std::fprintf(stderr, "seek: %s\n", exe.error().message.c_str());
    return 1;
  }
  const int log_fd = ::open(paths.log.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
  if (log_fd < 0) {
    std::fprintf(stderr, "seek: cannot open %s: %s\n", paths.log.c_str(), std::strerror(errno));
    return 1;
  }
  std::vector<std::string> args = {"seek", "daemon", "start", "--foreground"};
  args.insert(args.end(), daemon_args.begin(), daemon_args.end());
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);

  const pid_t pid = ::fork();
  if (pid < 0) {
    std::fprintf(stderr, "seek: fork: %s\n", std::strerror(errno));
    return 1;
  }
  if (pid == 0) {
    // Child: a new session (no controlling terminal), stdio on /dev/null and the log, and no
    // descriptor of the caller's beyond that (a caller waiting on a pipe must see EOF).
    ::setsid();
    const int null_fd = ::open("/dev/null", O_RDONLY);
    if (null_fd >= 0) ::dup2(null_fd, 0);
    ::dup2(log_fd, 1);
    ::dup2(log_fd, 2);
    ::close_range(3, ~0u, 0);
    ::execv(exe->c_str(), argv.data());
    _exit(127);
  }
  ::close(log_fd);

  // Wait until the socket answers, or the child dies trying.
  const auto deadline = std::chrono::steady_clock::now() + 30s;
  while (std::chrono::steady_clock::now() < deadline) {
    if (auto running = query_status(paths, 2s); running.ok()) {
      std::printf("seek daemon running (pid %s, socket %s)\n", running->value("pid", nlohmann::json()).dump().c_str(),
                  paths.socket.c_str());
      return 0;
    }
    int wstatus = 0;
    if (::waitpid(pid, &wstatus, WNOHANG) == pid) {
      // It exited: either another daemon won a start race (then status answers), or it failed.
      if (auto running = query_status(paths, 2s); running.ok()) return report_already_running(*running, paths);
      std::fprintf(stderr, "seek: the daemon exited during start-up (%s %d); last lines of %s:\n%s",
                   WIFEXITED(wstatus) ? "exit code" : "signal",
                   WIFEXITED(wstatus) ? WEXITSTATUS(wstatus) : WTERMSIG(wstatus), paths.log.c_str(),
                   log_tail(paths.log, 10).c_str());
      return 1;
    }
    std::this_thread::sleep_for(50ms);
  }
  std::fprintf(stderr, "seek: the daemon (pid %d) did not answer on %s within 30 s; see %s\n", pid,
               paths.socket.c_str(), paths.log.c_str());
  return 1;
}


int stop_daemon(const DaemonPaths& paths) {
  auto client = RpcClient::connect(paths.socket);
  if (!client.ok() && !InstanceLock::is_held(paths.lock)) {
    std::fprintf(stderr, "seek: no daemon is running\n");
    return 0;
  }
  if (client.ok()) {
    // The reply may be lost if the daemon closes first; its exit is what we wait for.
    (void)(*client)->call("seek/shutdown", nlohmann::json::object(), 5s);
  }
  auto wait_for_exit = [&](std::chrono::milliseconds limit) {
    const auto deadline = std::chrono::steady_clock::now() + limit;
    while (InstanceLock::is_held(paths.lock)) {
      if (std::chrono::steady_clock::now() > deadline) return false;
      std::this_thread::sleep_for(20ms);
    }
    return true;
  };
  if (wait_for_exit(10s)) {
    std::fprintf(stderr, "seek: daemon stopped\n");
    return 0;
  }
  // It did not shut down gracefully: ask the process itself.
  if (auto pid = InstanceLock::holder_pid(paths.lock)) {
    ::kill(*pid, SIGTERM);
    if (wait_for_exit(5s)) {
      std::fprintf(stderr, "seek: daemon stopped (SIGTERM)\n");
      return 0;
    }
  }
  std::fprintf(stderr, "seek: the daemon did not stop\n");
  return 1;
}

bool ensure_daemon(const DaemonPaths& paths, const BackendFlags& model) {
  if (query_status(paths, 2s).ok()) return true;
  std::fflush(stdout);
  const int saved = ::dup(STDOUT_FILENO);
  ::dup2(STDERR_FILENO, STDOUT_FILENO);
  const int code = start_daemon_in_background(paths, daemon_model_args(model));
  std::fflush(stdout);
  ::dup2(saved, STDOUT_FILENO);
  ::close(saved);
  return code == 0;
}

}  // namespace seek::daemon
