// An open document's text and the LSP position arithmetic on it. LSP positions are (line,
// character) with the character counted in the negotiated encoding: UTF-16 code units by
// default, UTF-8 bytes or UTF-32 code points when negotiated. Lines end at \n, \r\n or \r.
// A position past the end of its line clamps to the line end, as the spec asks.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"

namespace seek::lsp {

enum class PositionEncoding { kUtf16, kUtf8, kUtf32 };

std::string_view to_string(PositionEncoding encoding);  ///< "utf-16", "utf-8", "utf-32"

struct Position {
  std::int64_t line = 0, character = 0;
  bool operator==(const Position&) const = default;
};
struct Range {
  Position start, end;
  bool operator==(const Range&) const = default;
};

class TextDocument {
 public:
  TextDocument(std::string uri, std::string language, std::int64_t version, std::string text);

  const std::string& uri() const { return uri_; }
  const std::string& language() const { return language_; }
  std::int64_t version() const { return version_; }
  const std::string& text() const { return text_; }

  /// Byte offset of a position (clamped to its line's end, and to the text's end).
  std::size_t offset(Position p, PositionEncoding enc) const;
  /// The position of a byte offset (inside a UTF-8 sequence: the sequence's start).
  Position position(std::size_t offset, PositionEncoding enc) const;

  /// Replaces `range` (or everything, with no range) by `text`; the version becomes `version`.
  /// A range whose end lies before its start is an error, and the document is unchanged.
  Status apply_change(const std::optional<Range>& range, std::string_view text, std::int64_t version,
                      PositionEncoding enc);

 private:
  void index_lines();

  std::string uri_, language_;
  std::int64_t version_ = 0;
  std::string text_;
  std::vector<std::size_t> line_starts_;  // byte offset of each line's first byte
};

/// Code units of `text` in the encoding (the length LSP would count).
std::int64_t encoded_length(std::string_view text, PositionEncoding enc);

}  // namespace seek::lsp
