// RemoteBackend against a scripted HTTP server in this process (real sockets): streamed
// reasoning, content and tool-call deltas split across SSE chunks, usage with cache tokens,
// the request it sends (path, body, Authorization only when a key is set), retries on 429
// honouring Retry-After and on 5xx, errors that never show the key, and a cancel mid-stream.
// Plus the SSE decoder on CRLF, comments and arbitrary splits.
#include "engine/remote/remote_backend.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "engine/remote/sse.h"

namespace seek::engine {
namespace {

using namespace std::chrono_literals;

// One scripted reply: pieces of raw HTTP response, each sent after its delay.
struct Piece {
  std::string bytes;
  std::chrono::milliseconds delay{0};
};

class ScriptedServer {
 public:
  explicit ScriptedServer(std::vector<std::vector<Piece>> replies) : replies_(std::move(replies)) {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    EXPECT_EQ(::bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
    socklen_t len = sizeof addr;
    ::getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &len);
    port_ = ntohs(addr.sin_port);
    ::listen(fd_, 8);
    thread_ = std::thread([this] { serve(); });
  }
  ~ScriptedServer() {
    ::shutdown(fd_, SHUT_RDWR);
    ::close(fd_);
    thread_.join();
  }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_) + "/v1"; }
  std::vector<std::string> requests() {
    std::lock_guard lock(mutex_);
    return requests_;
  }

 private:
  void serve() {
    for (const auto& reply : replies_) {
      const int c = ::accept(fd_, nullptr, nullptr);
      if (c < 0) return;
      std::string request;
      char buf[4096];
      while (true) {  // headers, then Content-Length bytes of body
        const auto head = request.find("\r\n\r\n");
        if (head != std::string::npos) {
          const auto cl = request.find("Content-Length: ");
          const std::size_t n = cl == std::string::npos ? 0 : std::stoul(request.substr(cl + 16));
          if (request.size() >= head + 4 + n) break;
        }
        const ssize_t r = ::read(c, buf, sizeof buf);
        if (r <= 0) break;
        request.append(buf, static_cast<std::size_t>(r));
      }
      {
        std::lock_guard lock(mutex_);
        requests_.push_back(request);
      }
      for (const Piece& p : reply) {
        std::this_thread::sleep_for(p.delay);
        if (::send(c, p.bytes.data(), p.bytes.size(), MSG_NOSIGNAL) < 0) break;
      }
      ::close(c);
    }
  }
  std::vector<std::vector<Piece>> replies_;
  int fd_ = -1, port_ = 0;
  std::thread thread_;
  std::mutex mutex_;
  std::vector<std::string> requests_;
};

std::string sse_response(const std::vector<std::string>& events) {
  std::string body;
  for (const auto& e : events) body += "data: " + e + "\r\n\r\n";
  return "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nConnection: close\r\n\r\n" + body;
}

std::string status_response(int code, const std::string& extra_headers = {}) {
  const std::string body = R"({"error":{"message":"busy"}})";
  return "HTTP/1.1 " + std::to_string(code) + " X\r\nContent-Length: " + std::to_string(body.size()) + "\r\n" + extra_headers +
         "Connection: close\r\n\r\n" + body;
}

ChatRequest sample_request() {
  ChatRequest r;
  r.model = "deepseek-v4-flash";
  r.messages = nlohmann::json::array({{{"role", "user"}, {"content", "fix the test"}}});
  r.tools = nlohmann::json::parse(R"([{"type":"function","function":{"name":"read_file","parameters":{"type":"object"}}}])");
  r.thinking = true;
  r.reasoning_effort = "max";
  return r;
}

TEST(RemoteBackend, StreamsDeltasToolCallsAndUsage) {
  ScriptedServer server({{{sse_response({
      R"({"choices":[{"index":0,"delta":{"role":"assistant","reasoning_content":"Let me "}}]})",
      R"({"choices":[{"index":0,"delta":{"reasoning_content":"look."}}]})",
      R"({"choices":[{"index":0,"delta":{"content":"Reading 😀 "}}]})",
      R"({"choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"id":"call_1","type":"function","function":{"name":"read_file","arguments":"{\"pa"}}]}}]})",
      R"({"choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"function":{"arguments":"th\": \"a.py\"}"}}]}}]})",
      R"({"choices":[{"index":0,"delta":{},"finish_reason":"tool_calls"}]})",
      R"({"choices":[],"usage":{"prompt_tokens":100,"completion_tokens":20,"total_tokens":120,"prompt_cache_hit_tokens":64,"prompt_cache_miss_tokens":36}})",
      "[DONE]"})}}});
  auto backend = RemoteBackend::create({.base_url = server.url(), .api_key = "sk-secret-123"});
  ASSERT_TRUE(backend.ok()) << backend.error().message;
  std::string reasoning, content, args;
  std::atomic<bool> cancel{false};
  auto result = (*backend)->chat(
      sample_request(),
      [&](const ChatEvent& e) {
        if (e.kind == ChatEvent::Kind::kReasoningDelta) reasoning += e.text;
        if (e.kind == ChatEvent::Kind::kContentDelta) content += e.text;
        if (e.kind == ChatEvent::Kind::kToolCallDelta) args += e.text;
      },
      cancel);
  ASSERT_TRUE(result.ok()) << result.error().message;
  EXPECT_EQ(reasoning, "Let me look.");
  EXPECT_EQ(result->reasoning, "Let me look.");
  EXPECT_EQ(content, "Reading 😀 ");
  ASSERT_EQ(result->tool_calls.size(), 1u);
  EXPECT_EQ(result->tool_calls[0].id, "call_1");
  EXPECT_EQ(result->tool_calls[0].name, "read_file");
  EXPECT_EQ(result->tool_calls[0].arguments, R"({"path": "a.py"})");
  EXPECT_EQ(args, result->tool_calls[0].arguments);
  EXPECT_EQ(result->finish_reason, "tool_calls");
  EXPECT_EQ(result->usage.total_tokens, 120);
  EXPECT_EQ(result->usage.cache_hit_tokens, 64);
  EXPECT_EQ(result->usage.cache_miss_tokens, 36);
  const auto requests = server.requests();
  ASSERT_EQ(requests.size(), 1u);
  EXPECT_EQ(requests[0].rfind("POST /v1/chat/completions HTTP/1.1\r\n", 0), 0u) << requests[0].substr(0, 80);
  EXPECT_NE(requests[0].find("Authorization: Bearer sk-secret-123"), std::string::npos);
  const auto body = nlohmann::json::parse(requests[0].substr(requests[0].find("\r\n\r\n") + 4));
  EXPECT_EQ(body["stream"], true);
  EXPECT_EQ(body["thinking"]["type"], "enabled");
  EXPECT_EQ(body["reasoning_effort"], "max");
  EXPECT_EQ(body["tools"][0]["function"]["name"], "read_file");
  EXPECT_EQ(body["stream_options"]["include_usage"], true);
}

TEST(RemoteBackend, FillInTheMiddleThroughCompletions) {
  ScriptedServer server({{{sse_response({R"({"choices":[{"index":0,"text":"a + "}]})", R"({"choices":[{"index":0,"text":"b"}]})",
                                          R"({"choices":[{"index":0,"text":"","finish_reason":"stop"}]})", "[DONE]"})}}});
  auto backend = RemoteBackend::create({.base_url = server.url()});
  ASSERT_TRUE(backend.ok());
  std::string streamed;
  std::atomic<bool> cancel{false};
  auto result = (*backend)->complete({.model = "m", .prompt = "def add(a, b):\n    return ", .suffix = "\n", .max_tokens = 16, .stop = {"\n"}},
                                     [&](const ChatEvent& e) { streamed += e.text; }, cancel);
  ASSERT_TRUE(result.ok()) << result.error().message;
  EXPECT_EQ(result->content, "a + b");
  EXPECT_EQ(streamed, "a + b");
  const auto requests = server.requests();
  ASSERT_EQ(requests.size(), 1u);
  EXPECT_EQ(requests[0].rfind("POST /v1/completions HTTP/1.1\r\n", 0), 0u);
  EXPECT_EQ(requests[0].find("Authorization:"), std::string::npos) << "no key, no header";
  const auto body = nlohmann::json::parse(requests[0].substr(requests[0].find("\r\n\r\n") + 4));
  EXPECT_EQ(body["prompt"], "def add(a, b):\n    return ");
  EXPECT_EQ(body["suffix"], "\n");
  EXPECT_EQ(body["stop"][0], "\n");
  EXPECT_EQ(body["max_tokens"], 16);
}

TEST(RemoteBackend, RetriesHonourRetryAfterAndErrorsHideTheKey) {
  {
    ScriptedServer server({{{status_response(429, "Retry-After: 1\r\n")}},
                           {{sse_response({R"({"choices":[{"delta":{"content":"ok"},"finish_reason":"stop"}]})", "[DONE]"})}}});
    auto backend = RemoteBackend::create({.base_url = server.url(), .first_backoff = 10ms});
    std::atomic<bool> cancel{false};
    const auto start = std::chrono::steady_clock::now();
    auto result = (*backend)->chat(sample_request(), [](const ChatEvent&) {}, cancel);
    ASSERT_TRUE(result.ok()) << result.error().message;
    EXPECT_EQ(result->content, "ok");
    EXPECT_EQ(result->attempts, 2);
    EXPECT_GE(std::chrono::steady_clock::now() - start, 900ms) << "Retry-After: 1 must be honoured";
    // No key configured: no Authorization header at all.
    for (const auto& r : server.requests()) EXPECT_EQ(r.find("Authorization"), std::string::npos);
  }
  {
    ScriptedServer server({{{status_response(500)}}, {{status_response(503)}}});
    auto backend = RemoteBackend::create({.base_url = server.url(), .api_key = "sk-secret-123", .max_retries = 1,
                                          .first_backoff = 10ms});
    std::atomic<bool> cancel{false};
    auto result = (*backend)->chat(sample_request(), [](const ChatEvent&) {}, cancel);
    ASSERT_FALSE(result.ok());
    EXPECT_NE(result.error().message.find("HTTP 503"), std::string::npos) << result.error().message;
    EXPECT_EQ(result.error().message.find("sk-secret"), std::string::npos);
  }
  {
    ScriptedServer server({{{status_response(401)}}});
    auto backend = RemoteBackend::create({.base_url = server.url(), .api_key = "sk-secret-123"});
    std::atomic<bool> cancel{false};
    auto result = (*backend)->chat(sample_request(), [](const ChatEvent&) {}, cancel);
    ASSERT_FALSE(result.ok());
    EXPECT_EQ(result.error().code, ErrorCode::kPermissionDenied);  // not retried
    EXPECT_EQ(server.requests().size(), 1u);
  }
}

TEST(RemoteBackend, CancelStopsAStalledStreamAtOnce) {
  const std::string head = "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nConnection: close\r\n\r\n";
  ScriptedServer server({{{head + "data: " + R"({"choices":[{"delta":{"content":"first"}}]})" + "\n\n"},
                          {": keep-alive\n\n", 3000ms}}});
  auto backend = RemoteBackend::create({.base_url = server.url()});
  std::atomic<bool> cancel{false};
  std::thread canceller;
  const auto start = std::chrono::steady_clock::now();
  auto result = (*backend)->chat(
      sample_request(),
      [&](const ChatEvent&) {
        canceller = std::thread([&] {
          std::this_thread::sleep_for(100ms);
          cancel = true;
        });
      },
      cancel);
  canceller.join();
  ASSERT_TRUE(result.ok());
  EXPECT_EQ(result->finish_reason, "cancelled");
  EXPECT_LT(std::chrono::steady_clock::now() - start, 1500ms);
}

// A server that ignores stream=true and answers one JSON object is understood too.
TEST(RemoteBackend, TakesAWholeJsonReplyFromAServerThatDoesNotStream) {
  const std::string body =
      R"({"id":"x","object":"chat.completion","choices":[{"index":0,"message":{"role":"assistant","content":"Reading.",)"
      R"("reasoning_content":"Look first.","tool_calls":[{"id":"c1","type":"function","function":{"name":"read_file",)"
      R"("arguments":"{\"path\": \"a.py\"}"}}]},"finish_reason":"tool_calls"}],"usage":{"prompt_tokens":9,"completion_tokens":3,"total_tokens":12}})";
  ScriptedServer server({{{"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: " + std::to_string(body.size()) +
                           "\r\nConnection: close\r\n\r\n" + body}}});
  auto backend = RemoteBackend::create({.base_url = server.url()});
  ASSERT_TRUE(backend.ok());
  std::string content;
  std::atomic<bool> cancel{false};
  auto result = (*backend)->chat(sample_request(), [&](const ChatEvent& e) { if (e.kind == ChatEvent::Kind::kContentDelta) content += e.text; }, cancel);
  ASSERT_TRUE(result.ok()) << result.error().message;
  EXPECT_EQ(result->content, "Reading.");
  EXPECT_EQ(content, "Reading.");
  EXPECT_EQ(result->reasoning, "Look first.");
  ASSERT_EQ(result->tool_calls.size(), 1u);
  EXPECT_EQ(result->tool_calls[0].name, "read_file");
  EXPECT_EQ(result->tool_calls[0].arguments, R"({"path": "a.py"})");
  EXPECT_EQ(result->finish_reason, "tool_calls");
  EXPECT_EQ(result->usage.total_tokens, 12);
}

// No phase (resolve, connect, TLS, read) outlives its timeout: an address that drops
// connection attempts (or is unreachable) ends in a clear error within the connect timeout.
TEST(RemoteBackend, ConnectHasATimeout) {
  auto backend = RemoteBackend::create(
      {.base_url = "http://10.255.255.1:81/v1", .connect_timeout = std::chrono::milliseconds(300), .max_retries = 0});
  ASSERT_TRUE(backend.ok());
  std::atomic<bool> cancel{false};
  const auto start = std::chrono::steady_clock::now();
  auto result = (*backend)->complete({.model = "m", .prompt = "x"}, [](const ChatEvent&) {}, cancel);
  EXPECT_FALSE(result.ok());
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(2));
}

TEST(RemoteBackend, RefusesBadUrls) {
  EXPECT_FALSE(RemoteBackend::create({.base_url = "ftp://x/v1"}).ok());
  EXPECT_FALSE(RemoteBackend::create({.base_url = "http:///v1"}).ok());
  EXPECT_FALSE(RemoteBackend::create({.base_url = "http://host:port/v1"}).ok());
  EXPECT_TRUE(RemoteBackend::create({.base_url = "https://api.deepseek.com/v1/"}).ok());
}

TEST(SseDecoder, HandlesCrlfCommentsAndAnySplit) {
  const std::string stream = ": hello\r\ndata: {\"a\":1}\r\n\r\ndata: x\r\ndata: y\n\nevent: e\ndata: [DONE]\r\r";
  for (std::size_t step = 1; step <= stream.size(); ++step) {
    SseDecoder d;
    std::vector<std::string> all;
    for (std::size_t i = 0; i < stream.size(); i += step) {
      for (auto& e : d.feed(std::string_view(stream).substr(i, step))) all.push_back(e);
    }
    ASSERT_EQ(all.size(), 3u) << "step " << step;
    EXPECT_EQ(all[0], "{\"a\":1}");
    EXPECT_EQ(all[1], "x\ny");
    EXPECT_EQ(all[2], "[DONE]");
  }
}

}  // namespace
}  // namespace seek::engine
