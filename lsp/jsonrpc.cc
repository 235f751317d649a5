// JSON-RPC 2.0 parsing and reply building (see jsonrpc.h).
#include "lsp/jsonrpc.h"

namespace seek::lsp {
namespace {

bool valid_id(const json& id) { return id.is_number_integer() || id.is_number_unsigned() || id.is_string(); }

// Serializes without throwing on invalid UTF-8 in strings that came from the peer.
std::string dump(const json& j) { return j.dump(-1, ' ', false, json::error_handler_t::replace); }

// Deepest array/object nesting a message may have. nlohmann parses iteratively but copies
// and serializes recursively, so a 100k-deep "[[[[..." would overflow the stack later.
constexpr int kMaxNesting = 256;

// True when brackets outside strings nest deeper than kMaxNesting (a cheap linear scan).
bool too_deep(std::string_view body) {
  int depth = 0;
  bool in_string = false;
  for (size_t i = 0; i < body.size(); ++i) {
    const char c = body[i];
    if (in_string) {
      if (c == '\\') {
        ++i;
      } else if (c == '"') {
        in_string = false;
      }
    } else if (c == '"') {
      in_string = true;
    } else if (c == '[' || c == '{') {
      if (++depth > kMaxNesting) return true;
    } else if (c == ']' || c == '}') {
      --depth;
    }
  }
  return false;
}

}  // namespace

std::variant<RpcMessage, RpcFailure> parse_message(std::string_view body) {
  if (too_deep(body)) {
    return RpcFailure{RpcErrorCode::kInvalidRequest, "message nests deeper than 256 levels", nullptr};
  }
  json j;
  try {
    j = json::parse(body.begin(), body.end());
  } catch (const json::exception& e) {
    return RpcFailure{RpcErrorCode::kParseError, std::string("invalid JSON: ") + e.what(), nullptr};
  }
  if (j.is_array()) {
    return RpcFailure{RpcErrorCode::kInvalidRequest, "batch requests are not supported", nullptr};
  }
  if (!j.is_object()) return RpcFailure{RpcErrorCode::kInvalidRequest, "a message must be a JSON object", nullptr};

  json id = nullptr;
  bool has_id = false;
  if (auto it = j.find("id"); it != j.end()) {
    if (!valid_id(*it) && !it->is_null()) {
      return RpcFailure{RpcErrorCode::kInvalidRequest, "id must be an integer or a string", nullptr};
    }
    id = *it;
    has_id = !it->is_null();
  }
  auto fail = [&](std::string message) { return RpcFailure{RpcErrorCode::kInvalidRequest, std::move(message), id}; };

  auto version = j.find("jsonrpc");
  if (version == j.end() || !version->is_string() || version->get<std::string>() != "2.0") {
    return fail("\"jsonrpc\" must be \"2.0\"");
  }

  RpcMessage msg;
  msg.id = id;
  if (auto method = j.find("method"); method != j.end()) {
    if (!method->is_string()) return fail("\"method\" must be a string");
    msg.method = method->get<std::string>();
    if (auto params = j.find("params"); params != j.end()) {
      if (!params->is_object() && !params->is_array()) return fail("\"params\" must be an object or an array");
      msg.params = std::move(*params);
    }
    msg.kind = has_id ? RpcMessage::Kind::kRequest : RpcMessage::Kind::kNotification;
    return msg;
  }

  // No method: a response to a request we sent.
  const bool has_result = j.contains("result");
  const bool has_error = j.contains("error");
  if (!has_id && !has_error) return fail("a message needs \"method\", or \"id\" with \"result\" or \"error\"");
  if (has_result == has_error) return fail("a response needs exactly one of \"result\" and \"error\"");
  msg.kind = RpcMessage::Kind::kResponse;
  if (has_result) msg.result = std::move(j["result"]);
  if (has_error) msg.error = std::move(j["error"]);
  return msg;
}

std::string make_response(const json& id, const json& result) {
  json j = {{"jsonrpc", "2.0"}, {"id", id}, {"result", result}};
  return dump(j);
}

std::string make_error_response(const json& id, RpcErrorCode code, std::string_view message,
                                const std::optional<json>& data) {
  json error = {{"code", static_cast<int>(code)}, {"message", std::string(message)}};
  if (data) error["data"] = *data;
  json j = {{"jsonrpc", "2.0"}, {"id", id}, {"error", std::move(error)}};
  return dump(j);
}

std::string make_request(const json& id, std::string_view method, const json& params) {
  json j = {{"jsonrpc", "2.0"}, {"id", id}, {"method", std::string(method)}};
  if (!params.is_null()) j["params"] = params;
  return dump(j);
}

std::string make_notification(std::string_view method, const json& params) {
  json j = {{"jsonrpc", "2.0"}, {"method", std::string(method)}};
  if (!params.is_null()) j["params"] = params;
  return dump(j);
}

}  // namespace seek::lsp
