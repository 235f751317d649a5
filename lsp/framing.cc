// FrameDecoder: header parsing, size caps and resynchronization (see framing.h).
#include "lsp/framing.h"

#include <algorithm>
#include <cctype>
#include <charconv>

#include <fmt/format.h>

namespace seek::lsp {
namespace {

constexpr std::string_view kHeaderEnd = "\r\n\r\n";
constexpr std::string_view kContentLength = "content-length";

bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
         });
}

// A header name is an HTTP token; anything else means the block is garbage, not a header.
bool is_token(std::string_view name) {
  if (name.empty()) return false;
  return std::all_of(name.begin(), name.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.';
  });
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// Position of the next "Content-Length" (any case) at or after `from`, or npos.
size_t find_content_length(std::string_view s, size_t from) {
  for (size_t i = from; i + kContentLength.size() <= s.size(); ++i) {
    if (iequals(s.substr(i, kContentLength.size()), kContentLength)) return i;
  }
  return std::string_view::npos;
}

}  // namespace

std::string_view to_string(FrameError error) {
  switch (error) {
    case FrameError::kMalformedHeader: return "malformed header";
    case FrameError::kMissingContentLength: return "missing Content-Length";
    case FrameError::kHeaderTooLong: return "header too long";
    case FrameError::kBodyTooLarge: return "body too large";
  }
  return "unknown";
}

std::string encode_frame(std::string_view body) {
  std::string out = fmt::format("Content-Length: {}\r\n\r\n", body.size());
  out.append(body);
  return out;
}

void FrameDecoder::feed(std::string_view bytes) {
  if (failed_fatally_) return;
  compact();
  buffer_.append(bytes);
}

void FrameDecoder::compact() {
  // Drop the consumed prefix once it dominates, so a long stream costs O(bytes) overall.
  if (start_ > 0 && start_ * 2 >= buffer_.size()) {
    buffer_.erase(0, start_);
    start_ = 0;
  }
}

FrameEvent FrameDecoder::error(FrameError kind, std::string detail, bool fatal) {
  resyncing_ = true;
  FrameEvent ev;
  ev.error = kind;
  ev.detail = std::move(detail);
  ev.fatal = fatal;
  if (fatal) {
    failed_fatally_ = true;
    buffer_.clear();
    start_ = 0;
  }
  return ev;
}

void FrameDecoder::skip_to_next_header(size_t from) {
  const std::string_view view(buffer_);
  const size_t next = find_content_length(view, std::max(from, start_));
  if (next != std::string_view::npos) {
    start_ = next;
  } else {
    // Keep a tail that might be the start of a split "Content-Length".
    start_ = std::max(start_, buffer_.size() - std::min(buffer_.size() - start_, kContentLength.size() - 1));
  }
}

std::optional<FrameEvent> FrameDecoder::parse_header() {
  if (resyncing_) {
    // After a bad frame, whatever precedes the next "Content-Length" is garbage: drop it
    // silently (the error was already reported once).
    const size_t next = find_content_length(buffer_, start_);
    if (next == std::string_view::npos) {
      skip_to_next_header(start_);
      return std::nullopt;
    }
    start_ = next;
    resyncing_ = false;
  }
  const std::string_view view(buffer_);
  const size_t end = view.find(kHeaderEnd, start_);
  if (end == std::string_view::npos) {
    if (buffered() > limits_.max_header_bytes) {
      const size_t had = buffered();
      skip_to_next_header(start_ + 1);
      return error(FrameError::kHeaderTooLong,
                   fmt::format("no end of header within {} bytes ({} buffered)", limits_.max_header_bytes, had));
    }
    return std::nullopt;
  }
  const size_t block_end = end + kHeaderEnd.size();
  if (block_end - start_ > limits_.max_header_bytes) {
    skip_to_next_header(start_ + 1);
    return error(FrameError::kHeaderTooLong, fmt::format("header block exceeds {} bytes", limits_.max_header_bytes));
  }
  const std::string_view block = view.substr(start_, end - start_);

  std::optional<size_t> length;
  size_t line_start = 0;
  while (line_start <= block.size()) {
    size_t line_end = block.find("\r\n", line_start);
    if (line_end == std::string_view::npos) line_end = block.size();
    const std::string_view line = block.substr(line_start, line_end - line_start);
    line_start = line_end + 2;
    const size_t colon = line.find(':');
    const std::string_view name = colon == std::string_view::npos ? std::string_view() : trim(line.substr(0, colon));
    if (!is_token(name)) {
      // Garbage, not a header: a real frame may start inside this block ("junk\nContent-Length:
      // 2\r\n\r\n{}"), so resynchronize from the next byte rather than dropping the block.
      start_ += 1;
      return error(FrameError::kMalformedHeader, "not a header line");
    }
    const std::string_view value = trim(line.substr(colon + 1));
    if (!iequals(name, kContentLength)) continue;  // Content-Type and others are ignored
    size_t parsed = 0;
    const auto [ptr, ec] = std::from_chars(value.data(), value.data() + value.size(), parsed);
    if (value.empty() || ec != std::errc() || ptr != value.data() + value.size()) {
      if (ec == std::errc::result_out_of_range) {
        // Too large even to count off: look for the next header instead.
        start_ = block_end;
        return error(FrameError::kBodyTooLarge,
                     fmt::format("Content-Length {} exceeds the {}-byte limit", value, limits_.max_body_bytes));
      }
      start_ = block_end;
      return error(FrameError::kMalformedHeader, fmt::format("invalid Content-Length '{}'", value));
    }
    if (length && *length != parsed) {
      start_ = block_end;
      return error(FrameError::kMalformedHeader, "conflicting Content-Length headers");
    }
    length = parsed;
  }
  start_ = block_end;
  if (!length) return error(FrameError::kMissingContentLength, "header block has no Content-Length");
  if (*length > limits_.max_body_bytes) {
    // Count the body off without keeping it, so the next message is still served.
    FrameEvent ev = error(FrameError::kBodyTooLarge,
                          fmt::format("Content-Length {} exceeds the {}-byte limit", *length, limits_.max_body_bytes));
    resyncing_ = false;
    discarding_ = *length;
    return ev;
  }
  body_length_ = *length;
  return std::nullopt;
}

std::optional<FrameEvent> FrameDecoder::next() {
  if (failed_fatally_) return std::nullopt;
  if (discarding_ > 0) {
    const size_t drop = std::min(discarding_, buffered());
    start_ += drop;
    discarding_ -= drop;
    if (start_ == buffer_.size()) {
      buffer_.clear();
      start_ = 0;
    }
    if (discarding_ > 0) return std::nullopt;
  }
  if (!body_length_) {
    if (auto ev = parse_header()) return ev;
    if (!body_length_) return std::nullopt;
  }
  if (buffered() < *body_length_) return std::nullopt;
  FrameEvent ev;
  ev.body = buffer_.substr(start_, *body_length_);
  start_ += *body_length_;
  body_length_.reset();
  if (start_ == buffer_.size()) {
    buffer_.clear();
    start_ = 0;
  }
  return ev;
}

}  // namespace seek::lsp
