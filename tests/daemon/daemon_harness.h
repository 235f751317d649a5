// Test harness for the daemon: a private XDG_RUNTIME_DIR per test, the real `seek` binary
// run as a child process, and a raw Unix-socket client that can send any bytes.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "lsp/framing.h"
#include "tests/support/subprocess.h"
#include "tests/support/temp_dir.h"

namespace seek::testing {

/// The whole file as bytes ("" when it cannot be read).
std::string read_file(const std::filesystem::path& path);

/// A raw client: connect, send arbitrary bytes, read whole frames with a timeout.
class RawClient {
 public:
  explicit RawClient(const std::filesystem::path& socket);
  ~RawClient();
  RawClient(const RawClient&) = delete;
  RawClient& operator=(const RawClient&) = delete;

  bool connected() const { return fd_ >= 0; }
  int connect_errno() const { return connect_errno_; }
  /// Sends every byte (false if the peer closed).
  bool send(const std::string& bytes);
  /// Sends one framed JSON message.
  bool send_json(const nlohmann::json& message) { return send(lsp::encode_frame(message.dump())); }
  /// The next frame's JSON, or nullopt on timeout or close.
  std::optional<nlohmann::json> read_json(std::chrono::milliseconds timeout = std::chrono::seconds(5));
  /// True when the peer closes the connection within `timeout` (EOF or reset).
  bool wait_closed(std::chrono::milliseconds timeout = std::chrono::seconds(5));
  void close();

 private:
  int fd_ = -1;
  int connect_errno_ = 0;
  lsp::FrameDecoder decoder_;
};

/// One isolated daemon environment per test; stops whatever daemon it started.
class DaemonTest : public ::testing::Test {
 protected:
  void SetUp() override;
  void TearDown() override;

  /// Runs `seek ARGS...` with this test's XDG_RUNTIME_DIR.
  ProcessResult seek(const std::vector<std::string>& args,
                     std::chrono::milliseconds timeout = std::chrono::seconds(40));
  /// `seek daemon start ARGS...`, asserting exit 0; returns the daemon's pid.
  pid_t start_daemon(const std::vector<std::string>& extra_args = {});
  /// `seek daemon status` parsed, or nullopt when it did not exit 0.
  std::optional<nlohmann::json> status();
  /// Waits until process `pid` has exited.
  static bool wait_pid_gone(pid_t pid, std::chrono::milliseconds timeout = std::chrono::seconds(10));

  std::filesystem::path runtime_dir() const { return tmp_.path(); }
  std::filesystem::path seek_dir() const { return tmp_.path() / "seek"; }
  std::filesystem::path socket_path() const { return seek_dir() / "daemon.sock"; }

 private:
  TempDir tmp_{"sk-"};
};

}  // namespace seek::testing
