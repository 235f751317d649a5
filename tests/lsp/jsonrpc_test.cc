// JSON-RPC classification: requests, notifications, responses, and the error each bad body earns.
#include "lsp/jsonrpc.h"

#include <gtest/gtest.h>

namespace seek::lsp {
namespace {

const RpcFailure& failure(const std::variant<RpcMessage, RpcFailure>& v) { return std::get<RpcFailure>(v); }
const RpcMessage& message(const std::variant<RpcMessage, RpcFailure>& v) { return std::get<RpcMessage>(v); }

TEST(JsonRpc, ClassifiesRequestsNotificationsAndResponses) {
  auto req = parse_message(R"({"jsonrpc":"2.0","id":7,"method":"seek/status","params":{}})");
  ASSERT_TRUE(std::holds_alternative<RpcMessage>(req));
  EXPECT_EQ(message(req).kind, RpcMessage::Kind::kRequest);
  EXPECT_EQ(message(req).id, 7);
  EXPECT_EQ(message(req).method, "seek/status");

  auto note = parse_message(R"({"jsonrpc":"2.0","method":"initialized"})");
  ASSERT_TRUE(std::holds_alternative<RpcMessage>(note));
  EXPECT_EQ(message(note).kind, RpcMessage::Kind::kNotification);

  auto resp = parse_message(R"({"jsonrpc":"2.0","id":"a","result":null})");
  ASSERT_TRUE(std::holds_alternative<RpcMessage>(resp));
  EXPECT_EQ(message(resp).kind, RpcMessage::Kind::kResponse);
}

TEST(JsonRpc, InvalidJsonIsAParseErrorWithNullId) {
  for (const char* body : {"{", "not json", "\xff\xfe", "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"x\"} trailing"}) {
    auto r = parse_message(body);
    ASSERT_TRUE(std::holds_alternative<RpcFailure>(r)) << body;
    EXPECT_EQ(failure(r).code, RpcErrorCode::kParseError) << body;
    EXPECT_TRUE(failure(r).id.is_null());
  }
}

TEST(JsonRpc, StructurallyWrongMessagesAreInvalidRequests) {
  for (const char* body : {"[]", "42", "\"s\"", R"({"id":1,"method":"x"})", R"({"jsonrpc":"1.0","id":1,"method":"x"})",
                           R"({"jsonrpc":"2.0","id":1,"method":5})", R"({"jsonrpc":"2.0","id":{},"method":"x"})",
                           R"({"jsonrpc":"2.0","id":1,"method":"x","params":3})", R"({"jsonrpc":"2.0","id":1})",
                           R"({"jsonrpc":"2.0","id":1,"result":1,"error":{}})"}) {
    auto r = parse_message(body);
    ASSERT_TRUE(std::holds_alternative<RpcFailure>(r)) << body;
    EXPECT_EQ(failure(r).code, RpcErrorCode::kInvalidRequest) << body;
  }
  // The id is echoed when it could be read.
  auto r = parse_message(R"({"jsonrpc":"2.0","id":9,"method":5})");
  EXPECT_EQ(failure(r).id, 9);
}

TEST(JsonRpc, DeepNestingIsRefusedBeforeItCanOverflowTheStack) {
  const std::string deep = R"({"jsonrpc":"2.0","id":1,"method":"x","params":)" + std::string(200000, '[') +
                           std::string(200000, ']') + "}";
  auto r = parse_message(deep);
  ASSERT_TRUE(std::holds_alternative<RpcFailure>(r));
  EXPECT_EQ(failure(r).code, RpcErrorCode::kInvalidRequest);
  // Brackets inside strings do not count; ordinary nesting passes.
  auto ok = parse_message(R"({"jsonrpc":"2.0","id":1,"method":"x","params":{"s":")" + std::string(1000, '[') +
                          R"(\"[","a":[[[1]]]}})");
  ASSERT_TRUE(std::holds_alternative<RpcMessage>(ok));
}

TEST(JsonRpc, RepliesAreWellFormed) {
  EXPECT_EQ(make_response(3, {{"x", 1}}), R"({"id":3,"jsonrpc":"2.0","result":{"x":1}})");
  EXPECT_EQ(make_error_response(nullptr, RpcErrorCode::kParseError, "bad"),
            R"({"error":{"code":-32700,"message":"bad"},"id":null,"jsonrpc":"2.0"})");
  EXPECT_EQ(make_notification("exit", nullptr), R"({"jsonrpc":"2.0","method":"exit"})");
  // Invalid UTF-8 from a peer never makes serialization throw.
  EXPECT_NO_THROW(make_error_response("\xff", RpcErrorCode::kInvalidRequest, "\xfe"));
}

}  // namespace
}  // namespace seek::lsp
