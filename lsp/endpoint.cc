// JSON-RPC dispatch with the LSP lifecycle (see endpoint.h).
#include "lsp/endpoint.h"

#include <fmt/format.h>

#include <cstdio>
#include <exception>
#include <variant>

namespace seek::lsp {

void Endpoint::handle(std::string_view body) {
  auto parsed = parse_message(body);
  if (auto* failure = std::get_if<RpcFailure>(&parsed)) {
    transport_.write(make_error_response(failure->id, failure->code, failure->message));
    return;
  }
  RpcMessage& m = std::get<RpcMessage>(parsed);
  try {
    if (m.kind == RpcMessage::Kind::kResponse) return;  // answers to our own requests carry nothing we wait for
    if (m.kind == RpcMessage::Kind::kRequest) {
      handle_request(m.method, m.id, m.params);
      return;
    }
    if (m.method == "exit") {
      exit_requested_ = true;
      return;
    }
    const MethodTable::NotificationBinding* binding = methods_.find_notification(m.method);
    if (!binding) return;  // unknown notifications are dropped ("$/..." ones are optional by design)
    if (phase_ == Phase::kStarting && binding->availability != Availability::kAnyTime) return;
    binding->handler(m.params);
  } catch (const std::exception& e) {
    // Handlers return errors as values; an escaped exception is a bug, logged, not fatal (an
    // unanswered request is answered by its Reply's destructor).
    std::fprintf(stderr, "seek: internal error in %s: %s\n", m.method.c_str(), e.what());
  }
}

void Endpoint::handle_request(const std::string& method, const json& id, const json& params) {
  const MethodTable::RequestBinding* binding = methods_.find_request(method);
  if (!binding) {
    transport_.write(make_error_response(id, RpcErrorCode::kMethodNotFound, fmt::format("method '{}' is not supported", method)));
    return;
  }
  if (binding->availability == Availability::kAnyTime) {
    binding->handler(params, Reply(transport_, id));
    return;
  }
  if (method == "initialize") {
    if (phase_ != Phase::kStarting) {
      transport_.write(make_error_response(id, RpcErrorCode::kInvalidRequest, "initialize was already received"));
      return;
    }
    binding->handler(params, Reply(transport_, id, [this] { phase_ = Phase::kRunning; }));
    return;
  }
  if (phase_ == Phase::kStarting) {
    transport_.write(make_error_response(id, RpcErrorCode::kServerNotInitialized, "the server is not initialized yet"));
    return;
  }
  if (phase_ == Phase::kShutDown) {
    transport_.write(make_error_response(id, RpcErrorCode::kInvalidRequest, "the server is shut down"));
    return;
  }
  if (method == "shutdown") {
    binding->handler(params, Reply(transport_, id, [this] { phase_ = Phase::kShutDown; }));
    return;
  }
  binding->handler(params, Reply(transport_, id));
}

int serve_stream(StreamTransport& transport, Endpoint& endpoint) {
  while (!endpoint.exited()) {
    std::optional<Incoming> in = transport.read();
    if (!in) break;  // end of stream without exit
    if (!in->body) {
      transport.write(make_error_response(nullptr, RpcErrorCode::kParseError, in->frame_error));
      if (in->fatal) break;
      continue;
    }
    endpoint.handle(*in->body);
  }
  return endpoint.exit_code();
}

}  // namespace seek::lsp
