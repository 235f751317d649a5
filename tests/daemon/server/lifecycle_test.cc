// `seek daemon start|stop|status` end to end with the real binary: one daemon at a time,
// recovery after kill -9, graceful SIGTERM, socket permissions, concurrent starts.
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fstream>
#include <thread>

#include "daemon/instance_lock.h"
#include "tests/daemon/daemon_harness.h"

namespace seek::testing {
namespace {

using namespace std::chrono_literals;

std::string cmdline_of(pid_t pid) {
  std::string raw = read_file(std::filesystem::path("/proc") / std::to_string(pid) / "cmdline");
  for (char& c : raw) {
    if (c == '\0') c = ' ';
  }
  return raw;
}

TEST_F(DaemonTest, StartStatusStop) {
  auto before = seek({"daemon", "status"});
  EXPECT_EQ(before.exit_code, 3) << "status with no daemon must exit 3; stderr: " << before.err;

  auto start = seek({"daemon", "start"});
  ASSERT_EQ(start.exit_code, 0) << start.err;

  auto st = seek({"daemon", "status"});
  ASSERT_EQ(st.exit_code, 0) << st.err;
  // Exactly one JSON line with the documented fields.
  ASSERT_EQ(std::count(st.out.begin(), st.out.end(), '\n'), 1) << st.out;
  auto j = nlohmann::json::parse(st.out);
  ASSERT_TRUE(j.contains("pid") && j["pid"].is_number_integer()) << st.out;
  ASSERT_TRUE(j.contains("uptime_s") && j["uptime_s"].is_number()) << st.out;
  ASSERT_TRUE(j.contains("version") && j["version"].is_string()) << st.out;
  ASSERT_TRUE(j.contains("clients") && j["clients"].is_number_integer()) << st.out;
  EXPECT_EQ(j["socket"], socket_path().string());
  const pid_t pid = j["pid"];
  EXPECT_NE(cmdline_of(pid).find("seek daemon"), std::string::npos) << cmdline_of(pid);

  auto version = seek({"--version"});
  EXPECT_NE(version.out.find(j["version"].get<std::string>()), std::string::npos);

  auto stop = seek({"daemon", "stop"});
  EXPECT_EQ(stop.exit_code, 0) << stop.err;
  EXPECT_TRUE(wait_pid_gone(pid));
  EXPECT_EQ(seek({"daemon", "status"}).exit_code, 3);
  EXPECT_FALSE(std::filesystem::exists(socket_path())) << "a clean stop removes the socket";
}

// A background daemon's log past 8 MiB is kept as daemon.log.1 when the daemon starts.
TEST_F(DaemonTest, StartRotatesABigLog) {
  std::filesystem::create_directories(seek_dir());
  std::filesystem::permissions(seek_dir(), std::filesystem::perms::owner_all);
  std::ofstream(seek_dir() / "daemon.log") << std::string(9 << 20, 'x');
  ASSERT_EQ(seek({"daemon", "start"}).exit_code, 0);
  EXPECT_EQ(std::filesystem::file_size(seek_dir() / "daemon.log.1"), std::uintmax_t{9 << 20});
  EXPECT_LT(std::filesystem::file_size(seek_dir() / "daemon.log"), std::uintmax_t{1 << 20});
  EXPECT_EQ(seek({"daemon", "stop"}).exit_code, 0);
}

TEST_F(DaemonTest, SecondStartSaysAlreadyRunningAndStartsNoOther) {
  const pid_t pid = start_daemon();
  ASSERT_GT(pid, 0);
  auto again = seek({"daemon", "start"});
  EXPECT_EQ(again.exit_code, 0);
  EXPECT_NE(again.err.find("already running"), std::string::npos) << again.err;
  auto fg = seek({"daemon", "start", "--foreground"});
  EXPECT_EQ(fg.exit_code, 0);
  EXPECT_NE(fg.err.find("already running"), std::string::npos) << fg.err;
  auto st = status();
  ASSERT_TRUE(st);
  EXPECT_EQ((*st)["pid"], pid) << "the first daemon still serves";
}

TEST_F(DaemonTest, ConcurrentStartsLeaveExactlyOneDaemon) {
  ProcessResult a, b;
  std::thread ta([&] { a = seek({"daemon", "start"}); });
  std::thread tb([&] { b = seek({"daemon", "start"}); });
  ta.join();
  tb.join();
  EXPECT_EQ(a.exit_code, 0) << a.err;
  EXPECT_EQ(b.exit_code, 0) << b.err;
  auto st = status();
  ASSERT_TRUE(st);
  // The lock file names the one daemon that won, and it is the one answering.
  const auto locked = daemon::InstanceLock::holder_pid(seek_dir() / "daemon.lock");
  ASSERT_TRUE(locked);
  EXPECT_EQ((*st)["pid"], *locked);
}

TEST_F(DaemonTest, StartWorksAgainAfterKillNine) {
  const pid_t pid = start_daemon();
  ASSERT_GT(pid, 0);
  ASSERT_EQ(::kill(pid, SIGKILL), 0);
  ASSERT_TRUE(wait_pid_gone(pid));
  EXPECT_TRUE(std::filesystem::exists(socket_path())) << "kill -9 leaves a stale socket behind";
  EXPECT_EQ(seek({"daemon", "status"}).exit_code, 3);

  auto start = seek({"daemon", "start"});
  ASSERT_EQ(start.exit_code, 0) << start.err;
  auto st = status();
  ASSERT_TRUE(st);
  EXPECT_NE((*st)["pid"], pid);
}

TEST_F(DaemonTest, SigtermShutsDownGracefully) {
  const pid_t pid = start_daemon();
  ASSERT_GT(pid, 0);
  ASSERT_EQ(::kill(pid, SIGTERM), 0);
  ASSERT_TRUE(wait_pid_gone(pid));
  EXPECT_FALSE(std::filesystem::exists(socket_path()));
  const std::string text = read_file(seek_dir() / "daemon.log");
  EXPECT_NE(text.find("shutting down"), std::string::npos) << text;
  EXPECT_NE(text.find("seek daemon stopped"), std::string::npos) << text;
}

TEST_F(DaemonTest, StopWithoutADaemonIsFine) {
  auto stop = seek({"daemon", "stop"});
  EXPECT_EQ(stop.exit_code, 0);
  EXPECT_NE(stop.err.find("no daemon"), std::string::npos) << stop.err;
}

TEST_F(DaemonTest, SocketAndDirectoryArePrivate) {
  ASSERT_GT(start_daemon(), 0);
  struct stat dir{}, sock{};
  ASSERT_EQ(::lstat(seek_dir().c_str(), &dir), 0);
  ASSERT_EQ(::lstat(socket_path().c_str(), &sock), 0);
  EXPECT_TRUE(S_ISDIR(dir.st_mode));
  EXPECT_EQ(dir.st_mode & 07777, 0700u);
  EXPECT_TRUE(S_ISSOCK(sock.st_mode));
  EXPECT_EQ(sock.st_mode & 07777, 0600u);
  EXPECT_EQ(dir.st_uid, ::geteuid());
  EXPECT_EQ(sock.st_uid, ::geteuid());
}

TEST_F(DaemonTest, AnotherUserCannotConnect) {
  if (::geteuid() != 0) GTEST_SKIP() << "needs root to switch to another uid for the attempt";
  ASSERT_GT(start_daemon(), 0);
  // Let "nobody" through the parent directories (mkdtemp made them 0700), so only the
  // daemon's own 0700 dir and 0600 socket stand in the way.
  ::chmod(runtime_dir().c_str(), 0755);
  const pid_t child = ::fork();
  if (child == 0) {
    if (::setgid(65534) != 0 || ::setuid(65534) != 0) _exit(10);
    RawClient client(socket_path());
    if (client.connected()) _exit(11);
    _exit(client.connect_errno() == EACCES ? 0 : 12);
  }
  int wstatus = 0;
  ASSERT_EQ(::waitpid(child, &wstatus, 0), child);
  ASSERT_TRUE(WIFEXITED(wstatus));
  EXPECT_EQ(WEXITSTATUS(wstatus), 0) << "10: setuid failed, 11: connected, 12: failed with another errno";
  // Our own uid still connects.
  RawClient ours(socket_path());
  EXPECT_TRUE(ours.connected());
}

TEST_F(DaemonTest, LooseRuntimeDirectoryIsTightenedForeignOneRefused) {
  std::filesystem::create_directories(seek_dir());
  ::chmod(seek_dir().c_str(), 0777);
  ASSERT_GT(start_daemon(), 0);
  struct stat dir{};
  ASSERT_EQ(::stat(seek_dir().c_str(), &dir), 0);
  EXPECT_EQ(dir.st_mode & 07777, 0700u);
  ASSERT_EQ(seek({"daemon", "stop"}).exit_code, 0);

  if (::geteuid() != 0) return;
  ASSERT_EQ(::chown(seek_dir().c_str(), 65534, 65534), 0);
  auto start = seek({"daemon", "start"});
  EXPECT_EQ(start.exit_code, 1);
  EXPECT_NE(start.err.find("owned by uid 65534"), std::string::npos) << start.err;
  ASSERT_EQ(::chown(seek_dir().c_str(), 0, 0), 0);
}

TEST_F(DaemonTest, StatusCountsOtherClients) {
  ASSERT_GT(start_daemon(), 0);
  RawClient a(socket_path()), b(socket_path());
  ASSERT_TRUE(a.connected() && b.connected());
  // A round trip on each makes sure the daemon has accepted both.
  for (RawClient* c : {&a, &b}) {
    ASSERT_TRUE(c->send_json({{"jsonrpc", "2.0"}, {"id", 1}, {"method", "seek/status"}}));
    ASSERT_TRUE(c->read_json());
  }
  auto st = status();
  ASSERT_TRUE(st);
  EXPECT_EQ((*st)["clients"], 2) << "the status command's own connection is not counted";
}

}  // namespace
}  // namespace seek::testing
