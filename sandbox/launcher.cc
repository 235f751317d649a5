// The parent side of the launcher (see launcher.h).
#include "sandbox/launcher.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <nlohmann/json.hpp>

#include "sandbox/cgroup.h"
#include "sandbox/plan.h"
#include "sandbox/probe.h"

namespace seek::sandbox {
namespace {

using Clock = std::chrono::steady_clock;

// Child fd layout before exec: 0-2 stdio, 3 status pipe, 4 the stage-2 program (O_PATH).
constexpr int kStatusFd = 3;
constexpr int kProgramFd = 4;
constexpr const char* kStage2Path = "/dev/.seek-stage2";

class Fd {
 public:
  Fd() = default;
  explicit Fd(int fd) : fd_(fd) {}
  Fd(Fd&& o) noexcept : fd_(std::exchange(o.fd_, -1)) {}
  Fd& operator=(Fd&& o) noexcept {
    reset();
    fd_ = std::exchange(o.fd_, -1);
    return *this;
  }
  ~Fd() { reset(); }
  int get() const { return fd_; }
  void reset() {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
  }

 private:
  int fd_ = -1;
};

Result<std::pair<Fd, Fd>> make_pipe() {
  int fds[2];
  if (pipe2(fds, O_CLOEXEC) != 0) return make_error(ErrorCode::kResourceExhausted, std::string("pipe: ") + std::strerror(errno));
  return std::make_pair(Fd(fds[0]), Fd(fds[1]));
}

// Forwards one stream to its sink up to `cap` bytes, then the marker once.
struct CappedStream {
  Fd fd;
  std::uint64_t cap = 0;
  std::uint64_t forwarded = 0;
  bool truncated = false;
  const std::function<void(std::string_view)>* sink = nullptr;

  void deliver(std::string_view data) {
    if (truncated || !sink || !*sink) return;
    if (forwarded + data.size() <= cap) {
      (*sink)(data);
      forwarded += data.size();
      return;
    }
    (*sink)(data.substr(0, cap - forwarded));
    forwarded = cap;
    truncated = true;
    (*sink)(truncation_marker(cap));
  }
};

std::string stage2_config(const SandboxPlan& plan) {
  nlohmann::json config;
  config["network"] = plan.seccomp.network;
  config["read_roots"] = plan.landlock.read_roots;
  config["write_roots"] = plan.landlock.write_roots;
  config["write_files"] = plan.landlock.write_files;
  return config.dump();
}

std::vector<char*> c_argv(std::vector<std::string>& args) {
  std::vector<char*> out;
  for (auto& a : args) out.push_back(a.data());
  out.push_back(nullptr);
  return out;
}

}  // namespace

std::string truncation_marker(std::uint64_t cap) {
  return "\n[seek: output truncated after " + std::to_string(cap) + " bytes]\n";
}

Result<ExecOutcome> run_sandboxed(const ExecRequest& request, const OutputSinks& sinks) {
  const SandboxPolicy& policy = request.policy;
  if (request.argv.empty()) return make_error(ErrorCode::kInvalidArgument, "no command to run");
  SEEK_ASSIGN_OR_RETURN(ResolvedPaths paths, resolve_paths(policy));
  const bool confined = policy.mode != SandboxMode::kDangerFullAccess;
  const SandboxSupport& support = probe_sandbox_support();

  std::vector<std::string> exec_args;
  if (confined) {
    SEEK_ASSIGN_OR_RETURN(SandboxPlan plan, plan_sandbox(policy, support, paths));
    exec_args.push_back(support.bwrap.string());
    exec_args.insert(exec_args.end(), plan.bwrap_args.begin(), plan.bwrap_args.end());
    // Stage 2 is seek itself, bound in by descriptor: its path may be hidden (under /tmp) or
    // replaced by a rebuild, and /proc is mounted noexec.
    exec_args.insert(exec_args.end(), {"--ro-bind-fd", std::to_string(kProgramFd), kStage2Path, "--", kStage2Path,
                                       "__sandbox-stage2",
                                       std::to_string(kStatusFd), stage2_config(plan), "--"});
  }
  exec_args.insert(exec_args.end(), request.argv.begin(), request.argv.end());
  std::vector<char*> exec_argv = c_argv(exec_args);

  // Limits: required when confined (plan_sandbox checked support), best effort otherwise.
  std::optional<CommandCgroup> cgroup;
  if (confined || !support.pids_cgroup.empty()) {
    auto created = CommandCgroup::create(support, policy.max_processes, policy.max_memory_bytes);
    if (!created.ok()) {
      if (confined) return std::move(created).error();
    } else {
      cgroup.emplace(std::move(created).value());
    }
  }

  Fd program;
  if (confined) {
    const std::string stage2 = request.stage2_program.empty() ? "/proc/self/exe" : request.stage2_program;
    program = Fd(::open(stage2.c_str(), O_PATH | O_CLOEXEC));
    if (program.get() < 0) return make_error(ErrorCode::kNotFound, "cannot open " + stage2 + ": " + std::strerror(errno));
  }
  SEEK_ASSIGN_OR_RETURN(auto out_pipe, make_pipe());
  SEEK_ASSIGN_OR_RETURN(auto err_pipe, make_pipe());
  SEEK_ASSIGN_OR_RETURN(auto status_pipe, make_pipe());
  SEEK_ASSIGN_OR_RETURN(auto go_pipe, make_pipe());
  Fd null_fd(::open("/dev/null", O_RDONLY | O_CLOEXEC));
  const int stdin_fd = request.stdin_fd >= 0 ? request.stdin_fd : null_fd.get();
  std::string cwd = paths.cwd;

  // The child moves these onto 0-4; give them numbers above that range first so that no
  // dup2 can overwrite a source it still needs.
  const auto lift = [](int fd) { return fd < 0 ? Fd() : Fd(fcntl(fd, F_DUPFD_CLOEXEC, 10)); };
  Fd child_stdin = lift(stdin_fd), child_out = lift(out_pipe.second.get()), child_err = lift(err_pipe.second.get()),
           child_status = lift(status_pipe.second.get()), child_program = lift(program.get());
  const std::string exec_failure = "seek: cannot execute '" + request.argv[0] + "': ";
  const pid_t pid = fork();
  if (pid < 0) return make_error(ErrorCode::kResourceExhausted, std::string("fork: ") + std::strerror(errno));
  if (pid == 0) {
    // Only async-signal-safe calls from here: the parent may have other threads.
    setpgid(0, 0);
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    char go;
    while (::read(go_pipe.first.get(), &go, 1) < 0 && errno == EINTR) {
    }
    dup2(child_stdin.get(), 0);
    dup2(child_out.get(), 1);
    dup2(child_err.get(), 2);
    dup2(child_status.get(), kStatusFd);
    if (child_program.get() >= 0) dup2(child_program.get(), kProgramFd);
    syscall(SYS_close_range, child_program.get() >= 0 ? kProgramFd + 1 : kStatusFd + 1, ~0U, 0);
    signal(SIGPIPE, SIG_DFL);
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, nullptr);
    prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0);
    if (confined) {
      execv(exec_argv[0], exec_argv.data());
    } else {
      fcntl(kStatusFd, F_SETFD, FD_CLOEXEC);
      if (chdir(cwd.c_str()) == 0) execvp(exec_argv[0], exec_argv.data());
    }
    const int err = errno;
    if (!confined) {
      const char* reason = err == ENOENT ? "No such file or directory\n" : err == EACCES ? "Permission denied\n" : "cannot be executed\n";
      (void)!::write(2, exec_failure.data(), exec_failure.size());
      (void)!::write(2, reason, std::strlen(reason));
    }
    char message[96];
    const int n = snprintf(message, sizeof(message), "E%d exec failed", err);
    (void)!::write(kStatusFd, message, static_cast<std::size_t>(n));
    _exit(err == ENOENT ? 127 : 126);
  }

  // The parent must hold no write end, or the pipes never reach EOF.
  for (Fd* fd : {&child_stdin, &child_out, &child_err, &child_status, &child_program}) fd->reset();
  out_pipe.second.reset();
  err_pipe.second.reset();
  status_pipe.second.reset();
  go_pipe.first.reset();
  if (cgroup) {
    if (Status added = cgroup->add(pid); !added.ok()) {
      ::kill(pid, SIGKILL);
      waitpid(pid, nullptr, 0);
      return added.error().with_context("sandbox refused");
    }
  }
  (void)!::write(go_pipe.second.get(), "g", 1);
  go_pipe.second.reset();

  Fd process(static_cast<int>(syscall(SYS_pidfd_open, pid, 0)));
  CappedStream streams[2] = {{std::move(out_pipe.first), policy.max_output_bytes, 0, false, &sinks.on_stdout},
                             {std::move(err_pipe.first), policy.max_output_bytes, 0, false, &sinks.on_stderr}};
  Fd status_read = std::move(status_pipe.first);
  std::string status_text;
  const auto deadline = policy.timeout ? std::optional(Clock::now() + *policy.timeout) : std::nullopt;
  std::optional<Clock::time_point> drain_deadline;  // set once the command has exited
  bool timed_out = false;
  bool exited = false;
  char buffer[65536];

  const auto kill_everything = [&] {
    ::kill(-pid, SIGKILL);
    ::kill(pid, SIGKILL);
    if (cgroup) cgroup->kill_all();
  };

  while (true) {
    pollfd fds[4];
    int count = 0;
    int index_of[4] = {-1, -1, -1, -1};
    for (int s = 0; s < 2; ++s) {
      if (streams[s].fd.get() >= 0) {
        index_of[count] = s;
        fds[count++] = {streams[s].fd.get(), POLLIN, 0};
      }
    }
    if (status_read.get() >= 0) {
      index_of[count] = 2;
      fds[count++] = {status_read.get(), POLLIN, 0};
    }
    if (!exited && process.get() >= 0) {
      index_of[count] = 3;
      fds[count++] = {process.get(), POLLIN, 0};
    }
    if (count == 0 || (exited && streams[0].fd.get() < 0 && streams[1].fd.get() < 0 && status_read.get() < 0)) break;
    int wait_ms = -1;
    const auto now = Clock::now();
    auto limit = drain_deadline ? drain_deadline : (timed_out ? std::nullopt : deadline);
    if (!exited && process.get() < 0) limit = limit ? std::min(*limit, now + std::chrono::milliseconds(50)) : now + std::chrono::milliseconds(50);
    if (limit) wait_ms = static_cast<int>(std::max<long long>(0, std::chrono::duration_cast<std::chrono::milliseconds>(*limit - now).count()));
    const int ready = poll(fds, static_cast<nfds_t>(count), wait_ms);
    if (ready < 0 && errno != EINTR) break;
    if (ready <= 0) {
      if (drain_deadline && Clock::now() >= *drain_deadline) break;  // a leftover holds a pipe open
      if (!exited && deadline && !timed_out && Clock::now() >= *deadline) {
        timed_out = true;
        kill_everything();
      }
      if (!exited && process.get() < 0 && waitpid(pid, nullptr, WNOHANG | __WNOTHREAD) == 0) continue;
      if (!exited && process.get() < 0) exited = true;  // no pidfd: polled instead
      continue;
    }
    for (int i = 0; i < count; ++i) {
      if (fds[i].revents == 0) continue;
      const int which = index_of[i];
      if (which == 3) {
        exited = true;
        // Whatever the command left running (danger mode, or escaped the group) goes too.
        kill_everything();
        drain_deadline = Clock::now() + std::chrono::seconds(2);
        continue;
      }
      const int fd = which == 2 ? status_read.get() : streams[which].fd.get();
      const ssize_t n = ::read(fd, buffer, sizeof(buffer));
      if (n > 0) {
        if (which == 2) {
          status_text.append(buffer, static_cast<std::size_t>(n));
        } else {
          streams[which].deliver(std::string_view(buffer, static_cast<std::size_t>(n)));
        }
      } else if (n == 0 || (errno != EINTR && errno != EAGAIN)) {
        if (which == 2) status_read.reset();
        else streams[which].fd.reset();
      }
    }
  }

  int wait_status = 0;
  while (waitpid(pid, &wait_status, 0) < 0 && errno == EINTR) {
  }
  ExecOutcome outcome;
  outcome.timed_out = timed_out;
  outcome.stdout_truncated = streams[0].truncated;
  outcome.stderr_truncated = streams[1].truncated;
  outcome.process_limit_hit = cgroup && cgroup->hit_process_limit();
  if (WIFEXITED(wait_status)) {
    outcome.exit_code = WEXITSTATUS(wait_status);
  } else if (WIFSIGNALED(wait_status)) {
    outcome.signal = WTERMSIG(wait_status);
    outcome.exit_code = 128 + WTERMSIG(wait_status);
  }
  if (timed_out) {
    outcome.exit_code = 124;
    return outcome;
  }
  if (confined) {
    // Stage 2 says "S" first; without it bubblewrap itself failed to build the sandbox.
    if (status_text.empty()) {
      return make_error(ErrorCode::kUnavailable,
                        "the sandbox could not be set up (bubblewrap exited with " + std::to_string(outcome.exit_code) + ")");
    }
    if (status_text.rfind("SE0 ", 0) == 0) {
      return make_error(ErrorCode::kUnavailable, "the sandbox could not be set up: " + status_text.substr(4));
    }
  }
  // bwrap reports a command killed by signal N as exit 128+N; keep the signal visible.
  if (!outcome.signal && outcome.exit_code > 128 && outcome.exit_code < 128 + 65 && confined) {
    outcome.signal = outcome.exit_code - 128;
  }
  return outcome;
}

}  // namespace seek::sandbox
