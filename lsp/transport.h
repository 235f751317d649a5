// A message transport: whole JSON-RPC bodies in, whole bodies out. The stream
// implementation speaks the base protocol's Content-Length framing over two file
// descriptors (stdio, or a socket), caps the message size, and recovers after a bad frame:
// the bad frame is reported (the server answers it with a parse error) and reading goes on
// at the next header. Writes are serialized, so any thread may reply.
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
  /// The next body or frame error; nullopt at the end of the stream.
  virtual std::optional<Incoming> read() = 0;
  /// Sends one body. False when the peer is gone.
  virtual bool write(std::string_view body) = 0;
};

class StreamTransport final : public Transport {
 public:
  StreamTransport(int in_fd, int out_fd, FrameLimits limits = {}) : in_(in_fd), out_(out_fd), decoder_(limits) {}
  std::optional<Incoming> read() override;
  bool write(std::string_view body) override;

 private:
  int in_, out_;
  FrameDecoder decoder_;
  bool eof_ = false;
  std::mutex write_mutex_;
};

}  // namespace seek::lsp
