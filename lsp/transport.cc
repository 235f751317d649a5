// Content-Length transport over file descriptors (see transport.h).
#include "lsp/transport.h"

#include <unistd.h>

#include <cerrno>

namespace seek::lsp {

std::optional<Incoming> StreamTransport::read() {
  while (true) {
    if (auto event = decoder_.next()) {
      Incoming in;
      if (event->body) {
        in.body = std::move(*event->body);
      } else {
        in.frame_error = std::string(to_string(*event->error)) + (event->detail.empty() ? "" : ": " + event->detail);
        in.fatal = event->fatal;
      }
      return in;
    }
    if (eof_) return std::nullopt;
    char buffer[65536];
    const ssize_t n = ::read(in_, buffer, sizeof buffer);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      eof_ = true;  // a truncated last frame is simply dropped
      continue;
    }
    decoder_.feed(std::string_view(buffer, static_cast<std::size_t>(n)));
  }
}

bool StreamTransport::write(std::string_view body) {
  const std::string frame = encode_frame(body);
  std::lock_guard lock(write_mutex_);
  std::size_t done = 0;
  while (done < frame.size()) {
    const ssize_t n = ::write(out_, frame.data() + done, frame.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    done += static_cast<std::size_t>(n);
  }
  return true;
}

}  // namespace seek::lsp
