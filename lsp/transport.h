// Message transports. A Transport takes whole JSON-RPC bodies out, from any thread; the
// daemon's socket connections implement it over Asio with a bounded outbox, and
// StreamTransport over two file descriptors (stdio, for `seek lsp --no-daemon`), which also
// reads: it speaks the base protocol's Content-Length framing, caps the message size, and
// recovers after a bad frame: the bad frame is reported (the server answers it with a parse
// error) and reading goes on at the next header.
#pragma once

#include <mutex>
#include <optional>
#include <string>
#include <string_view>

#include "lsp/framing.h"

namespace seek::lsp {

struct Incoming {
  std::optional<std::string> body;  ///< a complete message body
  std::string frame_error;          ///< or why the bytes were not a frame
  bool fatal = false;               ///< the stream cannot go on (e.g. an oversized message)
};

class Transport {
 public:
  virtual ~Transport() = default;
  /// Sends one body. Thread-safe; it may wait while the peer is slow to read, so it is never
  /// called on the thread that reads. False when the peer is gone.
  virtual bool write(std::string_view body) = 0;
};

class StreamTransport final : public Transport {
 public:
  StreamTransport(int in_fd, int out_fd, FrameLimits limits = {}) : in_(in_fd), out_(out_fd), decoder_(limits) {}
  /// The next body or frame error; nullopt at the end of the stream.
  std::optional<Incoming> read();
  bool write(std::string_view body) override;

 private:
  int in_, out_;
  FrameDecoder decoder_;
  bool eof_ = false;
  std::mutex write_mutex_;
};

}  // namespace seek::lsp
