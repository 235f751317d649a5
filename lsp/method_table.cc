// Replies and the method table (see method_table.h).
#include "lsp/method_table.h"

#include <cstdio>

namespace seek::lsp {

void Reply::result(const json& value) const {
  if (state_->done.exchange(true)) return;
  if (state_->on_result) state_->on_result();
  state_->transport->write(make_response(state_->id, value));
}

void Reply::error(RpcErrorCode code, std::string_view message) const {
  if (state_->done.exchange(true)) return;
  state_->transport->write(make_error_response(state_->id, code, message));
}

void Reply::error(const Error& e) const { error(rpc_error_code(e), e.message); }

Reply::State::~State() {
  if (!done) transport->write(make_error_response(id, RpcErrorCode::kInternalError, "the server dropped this request"));
}

const MethodTable::RequestBinding* MethodTable::find_request(const std::string& method) const {
  auto it = requests_.find(method);
  return it == requests_.end() ? nullptr : &it->second;
}

const MethodTable::NotificationBinding* MethodTable::find_notification(const std::string& method) const {
  auto it = notifications_.find(method);
  return it == notifications_.end() ? nullptr : &it->second;
}

void MethodTable::log_bad_notification(const std::string& method, const std::string& why) {
  std::fprintf(stderr, "seek lsp: ignored %s with bad params: %s\n", method.c_str(), why.c_str());
}

RpcErrorCode rpc_error_code(const Error& error) {
  switch (error.code) {
    case ErrorCode::kInvalidArgument: return RpcErrorCode::kInvalidParams;
    case ErrorCode::kCancelled: return RpcErrorCode::kRequestCancelled;
    case ErrorCode::kInternal: return RpcErrorCode::kInternalError;
    default: return RpcErrorCode::kRequestFailed;
  }
}

}  // namespace seek::lsp
