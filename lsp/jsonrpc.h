// JSON-RPC 2.0 messages as LSP uses them: classifying a frame body into a request,
// notification or response (or the error reply it deserves), and building replies. The
// nlohmann parser may throw only inside parse_message(), which turns that into an error.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <variant>

#include <nlohmann/json.hpp>

namespace seek::lsp {

using json = nlohmann::json;

/// Error codes of JSON-RPC 2.0 and LSP.
enum class RpcErrorCode : int {
  kParseError = -32700,
  kInvalidRequest = -32600,
  kMethodNotFound = -32601,
  kInvalidParams = -32602,
  kInternalError = -32603,
  kServerNotInitialized = -32002,
  kRequestFailed = -32803,
  kServerCancelled = -32802,
  kContentModified = -32801,
  kRequestCancelled = -32800,
};

/// A well-formed incoming message.
struct RpcMessage {
  enum class Kind { kRequest, kNotification, kResponse };
  Kind kind = Kind::kNotification;
  json id;             ///< number or string for requests and responses; null for notifications
  std::string method;  ///< requests and notifications
  json params;         ///< object, array or null (absent)
  json result;         ///< responses: the result, when there is no error
  json error;          ///< responses: the error object, when present
};

/// A body that is not a valid message, and how to answer it. `id` is the request's id when
/// it could be read, else null (as JSON-RPC requires for parse errors).
struct RpcFailure {
  RpcErrorCode code = RpcErrorCode::kInvalidRequest;
  std::string message;
  json id;
};

/// Parses and validates one frame body.
std::variant<RpcMessage, RpcFailure> parse_message(std::string_view body);

/// {"jsonrpc":"2.0","id":id,"result":result} serialized.
std::string make_response(const json& id, const json& result);

/// {"jsonrpc":"2.0","id":id,"error":{"code","message"[,"data"]}} serialized.
std::string make_error_response(const json& id, RpcErrorCode code, std::string_view message,
                                const std::optional<json>& data = std::nullopt);

/// A request body with the given id.
std::string make_request(const json& id, std::string_view method, const json& params);

/// A notification body.
std::string make_notification(std::string_view method, const json& params);

}  // namespace seek::lsp
