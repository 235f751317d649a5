// One JSON-RPC connection's dispatch, with the LSP lifecycle, for every connection seek
// serves (a daemon socket or stdio). A body is classified, then answered from the method
// table:
//   - unknown requests answer -32601, whatever the phase;
//   - before `initialize`, only methods bound kAnyTime run (the daemon's own); other
//     requests answer -32002 and other notifications are dropped, as the spec asks;
//   - a second `initialize` answers -32600, and so does any request after `shutdown` but
//     the kAnyTime ones;
//   - `exit` ends the connection: its exit code is 0 after a shutdown, 1 otherwise.
// Malformed bodies get their error replies and the connection goes on.
#pragma once

#include <atomic>
#include <string_view>

#include "lsp/method_table.h"
#include "lsp/transport.h"

namespace seek::lsp {

class Endpoint {
 public:
  Endpoint(Transport& transport, const MethodTable& methods) : transport_(transport), methods_(methods) {}

  /// Answers (or acts on) one message body.
  void handle(std::string_view body);
  /// True once `exit` arrived: nothing more is read.
  bool exited() const { return exit_requested_; }
  /// The exit code the LSP rules give this connection now.
  int exit_code() const { return exit_requested_ && phase_ == Phase::kShutDown ? 0 : 1; }
  bool initialized() const { return phase_ != Phase::kStarting; }

 private:
  enum class Phase { kStarting, kRunning, kShutDown };
  void handle_request(const std::string& method, const json& id, const json& params);

  Transport& transport_;
  const MethodTable& methods_;
  std::atomic<Phase> phase_{Phase::kStarting};
  std::atomic<bool> exit_requested_{false};
};

/// Serves `endpoint` from `transport` until `exit` or the end of the stream; a bad frame is
/// answered with -32700, and a fatal one (the stream cannot go on) ends it. Returns the
/// endpoint's exit code.
int serve_stream(StreamTransport& transport, Endpoint& endpoint);

}  // namespace seek::lsp
