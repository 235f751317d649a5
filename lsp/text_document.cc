// Document text and position conversion (see text_document.h).
#include "lsp/text_document.h"

#include <fmt/format.h>

#include <algorithm>

#include "base/utf8.h"

namespace seek::lsp {
namespace {

std::int64_t units(std::size_t bytes, PositionEncoding enc) {
  if (enc == PositionEncoding::kUtf8) return static_cast<std::int64_t>(bytes);
  if (enc == PositionEncoding::kUtf16) return bytes == 4 ? 2 : 1;
  return 1;
}

}  // namespace

std::string_view to_string(PositionEncoding encoding) {
  switch (encoding) {
    case PositionEncoding::kUtf8: return "utf-8";
    case PositionEncoding::kUtf32: return "utf-32";
    case PositionEncoding::kUtf16: break;
  }
  return "utf-16";
}

std::int64_t encoded_length(std::string_view text, PositionEncoding enc) {
  std::int64_t n = 0;
  for (std::size_t i = 0; i < text.size();) {
    const std::size_t len = std::min(utf8_lead_length(static_cast<unsigned char>(text[i])), text.size() - i);
    n += units(len, enc);
    i += len;
  }
  return n;
}

TextDocument::TextDocument(std::string uri, std::string language, std::int64_t version, std::string text)
    : uri_(std::move(uri)), language_(std::move(language)), version_(version), text_(std::move(text)) {
  index_lines();
}

void TextDocument::index_lines() {
  line_starts_.assign(1, 0);
  for (std::size_t i = 0; i < text_.size(); ++i) {
    if (text_[i] == '\n' || (text_[i] == '\r' && (i + 1 >= text_.size() || text_[i + 1] != '\n'))) line_starts_.push_back(i + 1);
  }
}

std::size_t TextDocument::offset(Position p, PositionEncoding enc) const {
  if (p.line < 0) return 0;
  if (static_cast<std::size_t>(p.line) >= line_starts_.size()) return text_.size();
  const std::size_t begin = line_starts_[static_cast<std::size_t>(p.line)];
  std::size_t end = static_cast<std::size_t>(p.line) + 1 < line_starts_.size() ? line_starts_[static_cast<std::size_t>(p.line) + 1]
                                                                              : text_.size();
  // The line's content stops before its terminator.
  if (end > begin && text_[end - 1] == '\n') --end;
  if (end > begin && text_[end - 1] == '\r') --end;
  std::size_t at = begin;
  std::int64_t counted = 0;
  while (at < end && counted < p.character) {
    const std::size_t len = std::min(utf8_lead_length(static_cast<unsigned char>(text_[at])), end - at);
    const std::int64_t u = units(len, enc);
    if (counted + u > p.character) break;  // inside a surrogate pair or a UTF-8 sequence: stay before it
    counted += u;
    at += len;
  }
  return at;
}

Position TextDocument::position(std::size_t offset, PositionEncoding enc) const {
  offset = std::min(offset, text_.size());
  const auto it = std::upper_bound(line_starts_.begin(), line_starts_.end(), offset);
  const auto line = static_cast<std::size_t>(it - line_starts_.begin()) - 1;
  std::int64_t character = 0;
  for (std::size_t i = line_starts_[line]; i < offset;) {
    const std::size_t len = utf8_lead_length(static_cast<unsigned char>(text_[i]));
    if (i + len > offset) break;
    character += units(len, enc);
    i += len;
  }
  return {static_cast<std::int64_t>(line), character};
}

Status TextDocument::apply_change(const std::optional<Range>& range, std::string_view text, std::int64_t version,
                                  PositionEncoding enc) {
  if (!range) {
    text_.assign(text);
  } else {
    const std::size_t begin = offset(range->start, enc), end = offset(range->end, enc);
    if (end < begin) {
      return make_error(ErrorCode::kInvalidArgument,
                        fmt::format("change range ends ({}:{}) before it starts ({}:{})", range->end.line,
                                    range->end.character, range->start.line, range->start.character));
    }
    text_.replace(begin, end - begin, text);
  }
  version_ = version;
  index_lines();
  return ok_status();
}

}  // namespace seek::lsp
