// Replies and the method table (see method_table.h).
#include "lsp/method_table.h"

#include <cstdio>

namespace seek::lsp {

void Reply::result(const json& value) const {
  if (state_->done.exchange(true)) return;
  state_->transport->write(make_response(state_->id, value));
}

void Reply::error(RpcErrorCode code, std::string_view message) const {
  if (state_->done.exchange(true)) return;
  state_->transport->write(make_error_response(state_->id, code, message));
}

Reply::State::~State() {
  if (!done) transport->write(make_error_response(id, RpcErrorCode::kInternalError, "the server dropped this request"));
}

const MethodTable::RequestFn* MethodTable::find_request(const std::string& method) const {
  auto it = requests_.find(method);
  return it == requests_.end() ? nullptr : &it->second;
}

const MethodTable::NotificationFn* MethodTable::find_notification(const std::string& method) const {
  auto it = notifications_.find(method);
  return it == notifications_.end() ? nullptr : &it->second;
}

void MethodTable::log_bad_notification(const std::string& method, const std::string& why) {
  std::fprintf(stderr, "seek lsp: ignored %s with bad params: %s\n", method.c_str(), why.c_str());
}

}  // namespace seek::lsp
