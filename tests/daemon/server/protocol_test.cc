// The daemon's JSON-RPC endpoint under bad input: garbage, a huge Content-Length, truncated
// frames, invalid JSON and invalid requests each get an error reply or a closed connection,
// and the daemon keeps serving the next client.
#include <sys/socket.h>

#include <thread>

#include "lsp/framing.h"
#include "tests/daemon/daemon_harness.h"

namespace seek::testing {
namespace {

using namespace std::chrono_literals;
using nlohmann::json;

json request(int id, const std::string& method, json params = json::object()) {
  return {{"jsonrpc", "2.0"}, {"id", id}, {"method", method}, {"params", std::move(params)}};
}

class DaemonProtocolTest : public DaemonTest {
 protected:
  void SetUp() override {
    DaemonTest::SetUp();
    // Small limits so the tests are fast: 64 KiB messages, 500 ms to finish a frame.
    pid_ = start_daemon({"--max-message-bytes", "65536", "--frame-timeout-ms", "500"});
    ASSERT_GT(pid_, 0);
  }

  // A fresh client gets a correct status reply: the daemon is alive and serving.
  void expect_next_client_served() {
    RawClient next(socket_path());
    ASSERT_TRUE(next.connected()) << "errno " << next.connect_errno();
    ASSERT_TRUE(next.send_json(request(99, "seek/status")));
    auto reply = next.read_json();
    ASSERT_TRUE(reply) << "no reply from the daemon";
    EXPECT_EQ((*reply)["id"], 99);
    EXPECT_EQ((*reply)["result"]["pid"], pid_);
  }

  pid_t pid_ = 0;
};

TEST_F(DaemonProtocolTest, AnswersStatusOverJsonRpc) {
  RawClient c(socket_path());
  ASSERT_TRUE(c.send_json(request(1, "seek/status")));
  auto reply = c.read_json();
  ASSERT_TRUE(reply);
  EXPECT_EQ((*reply)["jsonrpc"], "2.0");
  EXPECT_EQ((*reply)["id"], 1);
  for (const char* key : {"pid", "uptime_s", "version", "clients", "socket"}) {
    EXPECT_TRUE((*reply)["result"].contains(key)) << key;
  }
}

// Both sockets are one server: lsp.sock answers the daemon's methods before `initialize`
// too, the status merges the connection's LSP fields, and `clients` counts the other
// connections of both sockets.
TEST_F(DaemonProtocolTest, BothSocketsShareOneStatusAndOneClientCount) {
  // `clients` counts other processes' connections, which the daemon sees leave a moment
  // after they do (the `seek daemon start` that started it, say): asked until it settles.
  const auto status_on = [](RawClient& client, int expected_clients) {
    json result;
    for (int attempt = 0; attempt < 40; ++attempt) {
      if (!client.send_json(request(attempt + 1, "seek/status"))) break;
      auto reply = client.read_json();
      if (!reply) break;
      result = (*reply)["result"];
      if (result["clients"] == expected_clients) break;
      std::this_thread::sleep_for(50ms);
    }
    return result;
  };
  RawClient lsp_client(seek_dir() / "lsp.sock");
  ASSERT_TRUE(lsp_client.connected()) << "errno " << lsp_client.connect_errno();
  const json on_lsp = status_on(lsp_client, 0);
  EXPECT_EQ(on_lsp["pid"], pid_);
  EXPECT_EQ(on_lsp["documents"], 0);
  EXPECT_TRUE(on_lsp["backend"].is_null()) << "the model is not loaded for a status";
  EXPECT_EQ(on_lsp["clients"], 0);

  RawClient daemon_client(socket_path());
  EXPECT_EQ(status_on(daemon_client, 1)["clients"], 1) << "the lsp.sock client counts";
  auto status = this->status();
  ASSERT_TRUE(status);
  EXPECT_EQ((*status)["clients"], 2);
  EXPECT_EQ((*status)["socket"], socket_path().string());
  lsp_client.close();
  EXPECT_EQ(status_on(daemon_client, 0)["clients"], 0) << "a client that left stops counting";
}

TEST_F(DaemonProtocolTest, GarbageBytesGetAnErrorOrAClose) {
  {
    RawClient c(socket_path());
    ASSERT_TRUE(c.send("\x01\x02 this is not a header\r\n\r\n"));
    auto reply = c.read_json(2s);
    ASSERT_TRUE(reply) << "a malformed header block gets an error reply";
    EXPECT_EQ((*reply)["error"]["code"], -32700);
    EXPECT_TRUE((*reply)["id"].is_null());
    // The connection resynchronizes on the next frame.
    ASSERT_TRUE(c.send_json(request(2, "seek/status")));
    auto after = c.read_json(2s);
    ASSERT_TRUE(after);
    EXPECT_EQ((*after)["id"], 2);
  }
  {
    // Binary noise with no header end at all: the frame timeout closes the connection.
    RawClient c(socket_path());
    std::string noise;
    for (int i = 0; i < 300; ++i) noise += static_cast<char>((i * 131 + 7) % 256);
    ASSERT_TRUE(c.send(noise));
    EXPECT_TRUE(c.wait_closed(5s));
  }
  expect_next_client_served();
}

TEST_F(DaemonProtocolTest, HugeContentLengthIsRefusedAndClosed) {
  for (const char* length : {"70000", "9223372036854775807", "999999999999999999999999999"}) {
    RawClient c(socket_path());
    ASSERT_TRUE(c.send(std::string("Content-Length: ") + length + "\r\n\r\n{"));
    auto reply = c.read_json(2s);
    ASSERT_TRUE(reply) << length;
    EXPECT_EQ((*reply)["error"]["code"], -32600) << length;
    EXPECT_TRUE(c.wait_closed(2s)) << length;
  }
  // A message just over the cap, sent whole, is refused the same way.
  RawClient c(socket_path());
  std::string big = R"({"jsonrpc":"2.0","id":1,"method":"seek/status","params":{"pad":")" + std::string(70000, 'x') + "\"}}";
  c.send(lsp::encode_frame(big));
  auto reply = c.read_json(2s);
  ASSERT_TRUE(reply);
  EXPECT_EQ((*reply)["error"]["code"], -32600);
  expect_next_client_served();
}

TEST_F(DaemonProtocolTest, TruncatedFramesAreDroppedWithTheirConnection) {
  {
    // The client vanishes mid-body.
    RawClient c(socket_path());
    ASSERT_TRUE(c.send("Content-Length: 100\r\n\r\n{\"jsonrpc\":\"2.0\""));
  }
  {
    // The client stays connected but never finishes: the frame timeout (500 ms) closes it.
    RawClient c(socket_path());
    ASSERT_TRUE(c.send("Content-Length: 100\r\n\r\n{\"jsonrpc\""));
    const auto t0 = std::chrono::steady_clock::now();
    EXPECT_TRUE(c.wait_closed(5s));
    EXPECT_LT(std::chrono::steady_clock::now() - t0, 4s);
  }
  {
    // A header that never ends.
    RawClient c(socket_path());
    ASSERT_TRUE(c.send("Content-Length: 10\r\n"));
    EXPECT_TRUE(c.wait_closed(5s));
  }
  expect_next_client_served();
}

TEST_F(DaemonProtocolTest, TricklingBytesDoNotExtendTheFrameDeadline) {
  RawClient c(socket_path());
  ASSERT_TRUE(c.send("Content-Length: 1000\r\n\r\n{"));
  const auto t0 = std::chrono::steady_clock::now();
  bool closed = false;
  // One byte every 100 ms would keep a per-read timeout alive forever; the frame has 500 ms.
  while (std::chrono::steady_clock::now() - t0 < 4s) {
    std::this_thread::sleep_for(100ms);
    if (!c.send(" ")) {
      closed = true;
      break;
    }
    if (c.wait_closed(1ms)) {
      closed = true;
      break;
    }
  }
  EXPECT_TRUE(closed);
  EXPECT_LT(std::chrono::steady_clock::now() - t0, 2s);
  expect_next_client_served();
}

TEST_F(DaemonProtocolTest, DeeplyNestedJsonIsRefusedNotFatal) {
  RawClient c(socket_path());
  const std::string deep = R"({"jsonrpc":"2.0","id":7,"method":"seek/status","params":)" + std::string(30000, '[') +
                           std::string(30000, ']') + "}";
  ASSERT_TRUE(c.send(lsp::encode_frame(deep)));
  auto reply = c.read_json();
  ASSERT_TRUE(reply);
  EXPECT_EQ((*reply)["error"]["code"], -32600);
  expect_next_client_served();
}

TEST_F(DaemonProtocolTest, IdleClientsAreNotTimedOutAndDoNotBlockOthers) {
  RawClient idle(socket_path());
  RawClient partial(socket_path());
  ASSERT_TRUE(partial.send("Content-Length: 50\r\n\r\n{"));
  expect_next_client_served();  // while another client is mid-frame
  std::this_thread::sleep_for(800ms);  // past the 500 ms frame timeout
  // The idle client owes nothing, so it is still connected and served.
  ASSERT_TRUE(idle.send_json(request(5, "seek/status")));
  auto reply = idle.read_json(2s);
  ASSERT_TRUE(reply);
  EXPECT_EQ((*reply)["id"], 5);
  EXPECT_TRUE(partial.wait_closed(1s));
}

TEST_F(DaemonProtocolTest, InvalidJsonAndInvalidRequestsGetErrorsOnALiveConnection) {
  RawClient c(socket_path());
  ASSERT_TRUE(c.send(lsp::encode_frame("{not json")));
  auto parse_error = c.read_json();
  ASSERT_TRUE(parse_error);
  EXPECT_EQ((*parse_error)["error"]["code"], -32700);
  EXPECT_TRUE((*parse_error)["id"].is_null());

  ASSERT_TRUE(c.send(lsp::encode_frame("\xff\xfe\xfd")));
  auto bad_utf8 = c.read_json();
  ASSERT_TRUE(bad_utf8);
  EXPECT_EQ((*bad_utf8)["error"]["code"], -32700);

  ASSERT_TRUE(c.send_json({{"id", 3}, {"method", "seek/status"}}));  // no "jsonrpc"
  auto invalid = c.read_json();
  ASSERT_TRUE(invalid);
  EXPECT_EQ((*invalid)["error"]["code"], -32600);
  EXPECT_EQ((*invalid)["id"], 3);

  ASSERT_TRUE(c.send_json(request(4, "no/such/method")));
  auto unknown = c.read_json();
  ASSERT_TRUE(unknown);
  EXPECT_EQ((*unknown)["error"]["code"], -32601);
  EXPECT_EQ((*unknown)["id"], 4);

  // A notification gets no reply: the next message read is the reply to request 6.
  ASSERT_TRUE(c.send_json({{"jsonrpc", "2.0"}, {"method", "seek/status"}}));
  ASSERT_TRUE(c.send_json(request(6, "seek/status")));
  auto next = c.read_json();
  ASSERT_TRUE(next);
  EXPECT_EQ((*next)["id"], 6);
  expect_next_client_served();
}

TEST_F(DaemonProtocolTest, ShutdownMethodRepliesThenStops) {
  RawClient c(socket_path());
  ASSERT_TRUE(c.send_json(request(1, "seek/shutdown")));
  auto reply = c.read_json();
  ASSERT_TRUE(reply);
  EXPECT_EQ((*reply)["id"], 1);
  EXPECT_TRUE((*reply)["result"].is_object());
  EXPECT_TRUE(wait_pid_gone(pid_));
  EXPECT_EQ(seek({"daemon", "status"}).exit_code, 3);
}

}  // namespace
}  // namespace seek::testing
