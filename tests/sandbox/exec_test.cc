// `seek exec` with real child processes: what a sandboxed command cannot do (write outside
// its roots by any path, reach the network, ptrace, outlive its timeout, fork without bound,
// flood its caller), the exit-code contract, and what it can do. Tests skip only when the
// kernel lacks a mechanism, and then check that seek exec refuses (125).
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <chrono>
#include <cstring>
#include <filesystem>
#include <fstream>

#include "sandbox/launcher.h"
#include "sandbox/probe.h"
#include "tests/support/subprocess.h"
#include "tests/support/temp_dir.h"

namespace seek::testing {
namespace {

namespace fs = std::filesystem;

ProcessResult seek_exec(const std::vector<std::string>& flags, const std::vector<std::string>& command,
                        std::chrono::milliseconds limit = std::chrono::seconds(60), const std::string& input = {}) {
  std::vector<std::string> argv = {seek_binary(), "exec"};
  argv.insert(argv.end(), flags.begin(), flags.end());
  argv.push_back("--");
  argv.insert(argv.end(), command.begin(), command.end());
  return run_process(argv, {}, limit, input);
}

std::string slurp(const fs::path& path) {
  std::ifstream file(path);
  return std::string(std::istreambuf_iterator<char>(file), {});
}

class SandboxExec : public ::testing::Test {
 protected:
  void SetUp() override {
    const auto& support = sandbox::probe_sandbox_support();
    std::string missing;
    if (support.bwrap.empty()) missing += " namespaces(" + support.bwrap_problem + ")";
    if (!support.seccomp) missing += " seccomp";
    if (support.landlock_abi < 1) missing += " landlock";
    if (support.pids_cgroup.empty()) missing += " pids-cgroup";
    if (!missing.empty()) {
      auto r = seek_exec({"--sandbox", "workspace-write", "--cwd", ws_.path().string()}, {"true"});
      EXPECT_EQ(r.exit_code, 125) << "a sandbox that cannot be applied must be refused";
      GTEST_SKIP() << "this kernel lacks:" << missing;
    }
    fs::create_directories(ws_ / "src");
    fs::create_directories(outside_.path());
  }

  std::vector<std::string> write_flags() const { return {"--sandbox", "workspace-write", "--cwd", ws_.path().string()}; }

  TempDir ws_{"sk-ws-"};
  TempDir outside_{"sk-out-"};
};

TEST_F(SandboxExec, WritesInsideTheWorkspaceAndTmpdir) {
  auto r = seek_exec(write_flags(), {"sh", "-c", "echo hi > src/a.txt && echo t > \"$TMPDIR/t\" && cat \"$TMPDIR/t\""});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "t\n");
  EXPECT_EQ(slurp(ws_ / "src/a.txt"), "hi\n");
}

TEST_F(SandboxExec, CannotWriteOutsideByAnyPath) {
  const fs::path target = outside_ / "pwned";
  fs::create_directory_symlink(outside_.path(), ws_ / "link");
  const std::string relative = fs::relative(target, ws_.path()).string();  // ../sk-out-XXXX/pwned
  for (const std::string& path : {target.string(), relative, std::string("link/pwned"), std::string("/etc/seek-pwned"),
                                  std::string("/usr/seek-pwned")}) {
    auto r = seek_exec(write_flags(), {"sh", "-c", "echo x > '" + path + "'"});
    EXPECT_NE(r.exit_code, 0) << path;
  }
  // Moving or linking a file out does not work either.
  auto r = seek_exec(write_flags(), {"sh", "-c", "echo x > src/f; mv src/f link/moved; ln src/f link/hard; ln -s /etc link/s"});
  EXPECT_FALSE(fs::exists(target));
  EXPECT_FALSE(fs::exists(outside_ / "moved"));
  EXPECT_FALSE(fs::exists(outside_ / "hard"));
  EXPECT_FALSE(fs::exists(fs::symlink_status(outside_ / "s")));
  EXPECT_FALSE(fs::exists("/etc/seek-pwned"));
}

TEST_F(SandboxExec, GitAndSeekDirectoriesStayReadOnly) {
  ASSERT_EQ(run_process({"git", "init", "-q", ws_.path().string()}).exit_code, 0);
  fs::create_directories(ws_ / ".seek");
  const std::string config_before = slurp(ws_ / ".git/config");
  auto r = seek_exec(write_flags(), {"sh", "-c",
                                     "echo evil >> .git/config; mkdir -p .git/hooks; echo 'rm -rf /' > .git/hooks/pre-commit;"
                                     "echo loosen > .seek/config.toml; rm -rf .git; echo ok > src/fine"});
  EXPECT_EQ(slurp(ws_ / ".git/config"), config_before);
  EXPECT_FALSE(fs::exists(ws_ / ".git/hooks/pre-commit"));
  EXPECT_FALSE(fs::exists(ws_ / ".seek/config.toml"));
  EXPECT_TRUE(fs::exists(ws_ / ".git/HEAD"));
  EXPECT_EQ(slurp(ws_ / "src/fine"), "ok\n");
}

TEST_F(SandboxExec, ReadOnlyModeWritesOnlyItsTmpdir) {
  auto r = seek_exec({"--sandbox", "read-only", "--cwd", ws_.path().string()},
                     {"sh", "-c", "echo x > src/no; echo t > \"$TMPDIR/ok\" && echo tmp-ok"});
  EXPECT_EQ(r.out, "tmp-ok\n");
  EXPECT_FALSE(fs::exists(ws_ / "src/no"));
}

TEST_F(SandboxExec, HostTmpIsNotShared) {
  TempDir host_tmp_file("sk-secret-");
  auto r = seek_exec(write_flags(), {"sh", "-c", "ls -a /tmp; test -e '" + host_tmp_file.path().string() + "' && echo visible"});
  EXPECT_EQ(r.out.find("visible"), std::string::npos);
  EXPECT_EQ(r.out.find("sk-secret-"), std::string::npos) << r.out;
}

TEST_F(SandboxExec, NoNetworkNotEvenLoopback) {
  // A real listener on the host's 127.0.0.1 that an unconfined process could reach.
  const int listener = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(bind(listener, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)), 0);
  ASSERT_EQ(listen(listener, 4), 0);
  socklen_t len = sizeof(addr);
  getsockname(listener, reinterpret_cast<sockaddr*>(&addr), &len);
  const std::string port = std::to_string(ntohs(addr.sin_port));
  const std::string script =
      "import socket,sys\n"
      "for fam,host in ((socket.AF_INET,'127.0.0.1'),(socket.AF_INET6,'::1')):\n"
      "  try:\n"
      "    s=socket.socket(fam); s.settimeout(2); s.connect((host," + port + ")); print('connected')\n"
      "  except OSError as e: print('blocked', e.errno)\n"
      "try:\n"
      "  socket.socket(socket.AF_INET, socket.SOCK_DGRAM); print('udp')\n"
      "except OSError: print('blocked')\n"
      "socket.socket(socket.AF_UNIX); print('unix')\n";
  auto r = seek_exec(write_flags(), {"python3", "-c", script});
  EXPECT_EQ(r.out.find("connected"), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find("udp"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("unix"), std::string::npos) << r.out << r.err;
  // With --network the same connection works: the block above is the sandbox's doing.
  auto flags = write_flags();
  flags.push_back("--network");
  r = seek_exec(flags, {"python3", "-c", script});
  EXPECT_NE(r.out.find("connected"), std::string::npos) << r.out << r.err;
  close(listener);
}

TEST_F(SandboxExec, HostServiceSocketsAreHidden) {
  // A Unix socket of a host service under /run (where $XDG_RUNTIME_DIR and the seek daemon's
  // socket usually live): reachable unconfined, not from the sandbox.
  std::error_code ec;
  if (!fs::is_directory("/run", ec)) GTEST_SKIP() << "no /run here";
  const std::string path = "/run/sk-test-" + std::to_string(getpid()) + ".sock";
  const int listener = socket(AF_UNIX, SOCK_STREAM, 0);
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  std::strncpy(addr.sun_path, path.c_str(), sizeof(addr.sun_path) - 1);
  ::unlink(path.c_str());
  ASSERT_EQ(bind(listener, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)), 0);
  ASSERT_EQ(listen(listener, 4), 0);
  const std::string script =
      "import socket\ns=socket.socket(socket.AF_UNIX)\n"
      "try:\n  s.connect('" + path + "'); print('connected')\nexcept OSError as e: print('blocked', e.errno)\n";
  auto r = seek_exec(write_flags(), {"python3", "-c", script});
  EXPECT_NE(r.out.find("blocked"), std::string::npos) << r.out << r.err;
  r = seek_exec({"--sandbox", "danger-full-access", "--cwd", ws_.path().string()}, {"python3", "-c", script});
  EXPECT_NE(r.out.find("connected"), std::string::npos) << "the test socket itself must work: " << r.out << r.err;
  close(listener);
  ::unlink(path.c_str());
}

TEST_F(SandboxExec, CannotPtrace) {
  const std::string script =
      "import ctypes,os,subprocess,time\n"
      "libc=ctypes.CDLL(None,use_errno=True)\n"
      "p=subprocess.Popen(['sleep','5'])\n"
      "r=libc.ptrace(16,p.pid,0,0); print('attach',r,ctypes.get_errno())\n"
      "r=libc.ptrace(0,0,0,0); print('traceme',r,ctypes.get_errno())\n"
      "p.kill()\n";
  auto r = seek_exec(write_flags(), {"python3", "-c", script});
  EXPECT_NE(r.out.find("attach -1 1"), std::string::npos) << r.out << r.err;  // EPERM
  EXPECT_NE(r.out.find("traceme -1 1"), std::string::npos) << r.out;
}

bool any_process_with(const std::string& marker) {
  for (const auto& entry : fs::directory_iterator("/proc")) {
    std::ifstream cmdline(entry.path() / "cmdline");
    std::string text(std::istreambuf_iterator<char>(cmdline), {});
    if (text.find(marker) != std::string::npos) return true;
  }
  return false;
}

TEST_F(SandboxExec, TimeoutKillsTheCommandAndItsChildren) {
  const auto start = std::chrono::steady_clock::now();
  auto flags = write_flags();
  flags.insert(flags.end(), {"--timeout-ms", "400"});
  auto r = seek_exec(flags, {"sh", "-c", "sleep 31.4159 & (setsid sleep 31.4159 &); nohup sleep 31.4159 & sleep 31.4159"});
  const auto elapsed = std::chrono::steady_clock::now() - start;
  EXPECT_EQ(r.exit_code, 124);
  EXPECT_LT(elapsed, std::chrono::seconds(5));
  usleep(200 * 1000);
  EXPECT_FALSE(any_process_with("31.4159")) << "a child survived the timeout";
}

TEST_F(SandboxExec, ForkBombIsContained) {
  // Count how many processes the command manages to hold at once: far below thousands.
  const std::string script =
      "import os,time\n"
      "kids=0\n"
      "for i in range(3000):\n"
      "  try:\n"
      "    pid=os.fork()\n"
      "  except OSError:\n"
      "    break\n"
      "  if pid==0:\n"
      "    time.sleep(60); os._exit(0)\n"
      "  kids+=1\n"
      "print(kids, flush=True)\n";
  auto flags = write_flags();
  flags.insert(flags.end(), {"--timeout-ms", "20000"});
  const auto start = std::chrono::steady_clock::now();
  auto r = seek_exec(flags, {"python3", "-c", script});
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(20)) << "exit did not reap the children";
  ASSERT_FALSE(r.out.empty()) << r.err;
  EXPECT_LT(std::stoi(r.out), 1000);
  EXPECT_GT(std::stoi(r.out), 10);
  // And the classic shell bomb ends at the timeout with nothing left behind.
  flags = write_flags();
  flags.insert(flags.end(), {"--timeout-ms", "1500"});
  r = seek_exec(flags, {"sh", "-c", "b(){ b | b & }; b; sleep 27.1828"});
  // Either the timeout ends it, or the full process table stops sh from forking sleep (2).
  EXPECT_TRUE(r.exit_code == 124 || r.exit_code == 2) << r.exit_code;
  usleep(200 * 1000);
  EXPECT_FALSE(any_process_with("27.1828"));
}

TEST_F(SandboxExec, OutputIsCappedWithAMarker) {
  auto r = seek_exec(write_flags(), {"sh", "-c", "yes | head -c 40000000; echo done >&2"});
  EXPECT_EQ(r.exit_code, 0);
  const std::string marker = sandbox::truncation_marker(16u << 20);
  EXPECT_EQ(r.out.size(), (16u << 20) + marker.size());
  EXPECT_TRUE(r.out.ends_with(marker));
  EXPECT_EQ(r.err, "done\n");
}

TEST_F(SandboxExec, ExitCodeContract) {
  EXPECT_EQ(seek_exec(write_flags(), {"sh", "-c", "exit 3"}).exit_code, 3);
  EXPECT_EQ(seek_exec(write_flags(), {"sh", "-c", "kill -TERM $$"}).exit_code, 128 + SIGTERM);
  EXPECT_EQ(seek_exec(write_flags(), {"sh", "-c", "kill -KILL $$"}).exit_code, 128 + SIGKILL);
  auto r = seek_exec(write_flags(), {"definitely-not-a-command-xyz"});
  EXPECT_EQ(r.exit_code, 127);
  EXPECT_NE(r.err.find("definitely-not-a-command-xyz"), std::string::npos);
  std::ofstream(ws_ / "src/not-exec") << "data";
  EXPECT_EQ(seek_exec(write_flags(), {"./src/not-exec"}).exit_code, 126);
  r = seek_exec({"--sandbox", "workspace-write", "--cwd", (ws_ / "nope").string()}, {"true"});
  EXPECT_EQ(r.exit_code, 125);
  EXPECT_NE(r.err.find("nope"), std::string::npos);
  r = seek_exec({"--sandbox", "read-only", "--cwd", ws_.path().string(), "--writable", ws_.path().string()}, {"true"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(seek_exec({"--sandbox", "nonsense", "--cwd", ws_.path().string()}, {"true"}).exit_code, 2);
}

TEST_F(SandboxExec, ChildStartsClean) {
  auto r = seek_exec(write_flags(), {"sh", "-c",
                                     "ls /proc/self/fd | tr '\\n' ' '; echo; grep CapEff /proc/self/status;"
                                     "grep NoNewPrivs /proc/self/status; echo 1 > /proc/sys/kernel/hostname && echo sys-writable;"
                                     "mknod /tmp/dev c 1 3 && echo mknod-ok"},
                     std::chrono::seconds(30), "ignored");
  EXPECT_NE(r.out.find("0 1 2 3 \n"), std::string::npos) << r.out;  // 3 is ls's own directory
  EXPECT_NE(r.out.find("CapEff:\t0000000000000000"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("NoNewPrivs:\t1"), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find("sys-writable"), std::string::npos);
  EXPECT_EQ(r.out.find("mknod-ok"), std::string::npos);
}

TEST_F(SandboxExec, StdinReachesTheCommand) {
  auto r = seek_exec(write_flags(), {"cat"}, std::chrono::seconds(30), "piped input");
  EXPECT_EQ(r.out, "piped input");
}

TEST_F(SandboxExec, DangerFullAccessIsUnconfined) {
  auto r = seek_exec({"--sandbox", "danger-full-access", "--cwd", ws_.path().string()},
                     {"sh", "-c", "echo x > '" + (outside_ / "allowed").string() + "'"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(fs::exists(outside_ / "allowed"));
}

}  // namespace
}  // namespace seek::testing
