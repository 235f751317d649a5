// lsp::Endpoint, the dispatch every connection shares: unknown methods answer -32601 in any
// phase; before initialize only kAnyTime methods run (others -32002, notifications dropped);
// initialize enters the running phase only when it succeeds; after shutdown only kAnyTime
// methods answer; exit gives 0 after a shutdown and 1 otherwise.
#include "lsp/endpoint.h"

#include <gtest/gtest.h>

#include <mutex>
#include <string>
#include <vector>

namespace seek::lsp {
namespace {

class RecordingTransport final : public Transport {
 public:
  bool write(std::string_view body) override {
    std::lock_guard lock(mutex_);
    sent_.push_back(json::parse(body));
    return true;
  }
  json last() {
    std::lock_guard lock(mutex_);
    return sent_.empty() ? json() : sent_.back();
  }
  std::size_t count() {
    std::lock_guard lock(mutex_);
    return sent_.size();
  }

 private:
  std::mutex mutex_;
  std::vector<json> sent_;
};

std::string request(int id, const std::string& method, json params = json::object()) {
  return json{{"jsonrpc", "2.0"}, {"id", id}, {"method", method}, {"params", params}}.dump();
}
std::string notification(const std::string& method) { return json{{"jsonrpc", "2.0"}, {"method", method}}.dump(); }

class EndpointTest : public ::testing::Test {
 protected:
  EndpointTest() {
    table_.raw_request("initialize", [this](const json& params, Reply reply) {
      if (params.value("fail", false)) {
        reply.error(RpcErrorCode::kInvalidParams, "bad initialize");
        return;
      }
      reply.result({{"capabilities", json::object()}});
    });
    table_.raw_request("shutdown", [](const json&, Reply reply) { reply.result(nullptr); });
    table_.raw_request("lsp/thing", [](const json&, Reply reply) { reply.result("thing"); });
    table_.raw_request("daemon/status", [](const json&, Reply reply) { reply.result("up"); }, Availability::kAnyTime);
    table_.raw_notification("lsp/note", [this](const json&) { ++notes_; });
  }
  RecordingTransport transport_;
  MethodTable table_;
  Endpoint endpoint_{transport_, table_};
  int notes_ = 0;
};

TEST_F(EndpointTest, BeforeInitializeOnlyAnyTimeMethodsRun) {
  endpoint_.handle(request(1, "daemon/status"));
  EXPECT_EQ(transport_.last()["result"], "up");
  endpoint_.handle(request(2, "lsp/thing"));
  EXPECT_EQ(transport_.last()["error"]["code"], -32002);
  endpoint_.handle(request(3, "no/such/method"));
  EXPECT_EQ(transport_.last()["error"]["code"], -32601);
  endpoint_.handle(notification("lsp/note"));
  EXPECT_EQ(notes_, 0);  // dropped, as the spec asks
}

TEST_F(EndpointTest, InitializeEntersTheRunningPhaseOnlyWhenItSucceeds) {
  endpoint_.handle(request(1, "initialize", {{"fail", true}}));
  EXPECT_EQ(transport_.last()["error"]["code"], -32602);
  EXPECT_FALSE(endpoint_.initialized());
  endpoint_.handle(request(2, "initialize"));
  EXPECT_TRUE(endpoint_.initialized());
  endpoint_.handle(request(3, "initialize"));
  EXPECT_EQ(transport_.last()["error"]["code"], -32600);
  endpoint_.handle(request(4, "lsp/thing"));
  EXPECT_EQ(transport_.last()["result"], "thing");
  endpoint_.handle(notification("lsp/note"));
  EXPECT_EQ(notes_, 1);
}

TEST_F(EndpointTest, AfterShutdownOnlyAnyTimeMethodsAnswerAndExitGivesZero) {
  endpoint_.handle(request(1, "initialize"));
  endpoint_.handle(request(2, "shutdown"));
  EXPECT_TRUE(transport_.last()["result"].is_null());
  endpoint_.handle(request(3, "lsp/thing"));
  EXPECT_EQ(transport_.last()["error"]["code"], -32600);
  endpoint_.handle(request(4, "daemon/status"));
  EXPECT_EQ(transport_.last()["result"], "up");
  EXPECT_FALSE(endpoint_.exited());
  endpoint_.handle(notification("exit"));
  EXPECT_TRUE(endpoint_.exited());
  EXPECT_EQ(endpoint_.exit_code(), 0);
}

TEST_F(EndpointTest, ExitWithoutShutdownGivesOneAndBadBodiesAreAnswered) {
  endpoint_.handle("{not json");
  EXPECT_EQ(transport_.last()["error"]["code"], -32700);
  endpoint_.handle(R"({"jsonrpc":"2.0","result":1,"id":7})");  // a response: nothing to answer
  const std::size_t before = transport_.count();
  endpoint_.handle(notification("exit"));
  EXPECT_EQ(transport_.count(), before);
  EXPECT_EQ(endpoint_.exit_code(), 1);
}

}  // namespace
}  // namespace seek::lsp
