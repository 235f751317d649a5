// The LSP base protocol's framing: "Content-Length: N\r\n\r\n" followed by N bytes of JSON.
// FrameDecoder is incremental and does no I/O, so the daemon's sockets, the stdio bridge and
// the tests all share it. It caps header and body sizes and resynchronizes after garbage.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace seek::lsp {

/// Size limits of one frame.
struct FrameLimits {
  size_t max_body_bytes = 64u << 20;  ///< a larger body is reported and skipped unread
  size_t max_header_bytes = 8u << 10; ///< header block (all lines + blank line)
};

/// What went wrong with a frame.
enum class FrameError {
  kMalformedHeader,       ///< a header line without "name: value", or a bad Content-Length value
  kMissingContentLength,  ///< a header block without Content-Length
  kHeaderTooLong,         ///< no blank line within max_header_bytes (garbage, usually)
  kBodyTooLarge,          ///< Content-Length above max_body_bytes; the body is skipped
};

/// One result of FrameDecoder::next(): a complete body, or an error.
struct FrameEvent {
  std::optional<std::string> body;  ///< set for a complete frame
  std::optional<FrameError> error;  ///< set for a bad frame
  std::string detail;               ///< a human-readable reason for errors
  /// True when the stream cannot continue (kBodyTooLarge): the caller should reply and close.
  bool fatal = false;
};

/// Splits a byte stream into frame bodies. After a non-fatal error it skips the bad header
/// block (or the garbage run) and looks for the next "Content-Length" header.
class FrameDecoder {
 public:
  explicit FrameDecoder(FrameLimits limits = {}) : limits_(limits) {}

  /// Appends bytes read from the stream.
  void feed(std::string_view bytes);

  /// The next complete body or error, or nullopt when more bytes are needed.
  std::optional<FrameEvent> next();

  /// True while part of a frame is buffered: the peer owes us bytes, so a read timeout applies.
  bool mid_frame() const { return buffered() > 0 || body_length_.has_value() || discarding_ > 0; }

  /// Bytes buffered and not yet returned.
  size_t buffered() const { return buffer_.size() - start_; }

  const FrameLimits& limits() const { return limits_; }

 private:
  std::optional<FrameEvent> parse_header();
  FrameEvent error(FrameError kind, std::string detail, bool fatal = false);
  void compact();
  void skip_to_next_header(size_t from);

  FrameLimits limits_;
  std::string buffer_;
  size_t start_ = 0;                      // consumed prefix of buffer_
  std::optional<size_t> body_length_;     // set while reading a body
  bool failed_fatally_ = false;
  bool resyncing_ = false;                // after an error: skip to the next Content-Length
  size_t discarding_ = 0;                 // bytes of an oversized body still to skip
};

/// Frames one JSON body: "Content-Length: N\r\n\r\n" + body.
std::string encode_frame(std::string_view body);

/// A stable name for a frame error, used in logs and error replies.
std::string_view to_string(FrameError error);

}  // namespace seek::lsp
