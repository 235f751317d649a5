// UTF-8 helpers for every library: validation (with an ASCII fast path, since source code is
// mostly ASCII), code point decoding and encoding, and the character-boundary steps that
// cutting, cursor moves and streaming need. Invalid means anything outside RFC 3629:
// overlongs, surrogates, code points past U+10FFFF, truncated sequences.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace seek {

/// Length of the valid UTF-8 sequence starting at s[i] (1-4), or 0 if the bytes there are
/// not a valid sequence.
inline std::size_t utf8_sequence_length(std::string_view s, std::size_t i) {
  const auto byte = [&](std::size_t k) { return static_cast<unsigned char>(s[k]); };
  const unsigned char b0 = byte(i);
  if (b0 < 0x80) return 1;
  const std::size_t left = s.size() - i;
  const auto cont = [&](std::size_t k) { return (byte(i + k) & 0xC0) == 0x80; };
  if (b0 >= 0xC2 && b0 <= 0xDF) return left >= 2 && cont(1) ? 2 : 0;
  if (b0 >= 0xE0 && b0 <= 0xEF) {
    if (left < 3 || !cont(1) || !cont(2)) return 0;
    const unsigned char b1 = byte(i + 1);
    if (b0 == 0xE0 && b1 < 0xA0) return 0;   // overlong
    if (b0 == 0xED && b1 >= 0xA0) return 0;  // UTF-16 surrogate
    return 3;
  }
  if (b0 >= 0xF0 && b0 <= 0xF4) {
    if (left < 4 || !cont(1) || !cont(2) || !cont(3)) return 0;
    const unsigned char b1 = byte(i + 1);
    if (b0 == 0xF0 && b1 < 0x90) return 0;  // overlong
    if (b0 == 0xF4 && b1 >= 0x90) return 0;  // past U+10FFFF
    return 4;
  }
  return 0;
}

/// Offset of the first byte that does not start a valid sequence, or s.size().
inline std::size_t utf8_valid_prefix(std::string_view s, std::size_t from = 0) {
  std::size_t i = from;
  while (i < s.size()) {
    // Eight ASCII bytes at a time: the common case for source code.
    while (i + 8 <= s.size()) {
      std::uint64_t chunk;
      __builtin_memcpy(&chunk, s.data() + i, 8);
      if (chunk & 0x8080808080808080ULL) break;
      i += 8;
    }
    if (i >= s.size()) break;
    const std::size_t n = utf8_sequence_length(s, i);
    if (n == 0) return i;
    i += n;
  }
  return s.size();
}

inline bool is_valid_utf8(std::string_view s) { return utf8_valid_prefix(s) == s.size(); }

/// Decodes the valid sequence at s[i] (the caller checked it with utf8_sequence_length).
inline char32_t utf8_decode_at(std::string_view s, std::size_t i, std::size_t length) {
  const auto b = [&](std::size_t k) { return static_cast<char32_t>(static_cast<unsigned char>(s[i + k])); };
  switch (length) {
    case 1: return b(0);
    case 2: return ((b(0) & 0x1F) << 6) | (b(1) & 0x3F);
    case 3: return ((b(0) & 0x0F) << 12) | ((b(1) & 0x3F) << 6) | (b(2) & 0x3F);
    default: return ((b(0) & 0x07) << 18) | ((b(1) & 0x3F) << 12) | ((b(2) & 0x3F) << 6) | (b(3) & 0x3F);
  }
}

/// Appends the UTF-8 encoding of a code point (which must be a valid scalar value).
inline void utf8_append(std::string& out, char32_t cp) {
  if (cp < 0x80) {
    out.push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out.push_back(static_cast<char>(0xF0 | (cp >> 18)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

/// A copy of s with every invalid byte replaced by U+FFFD (one per byte, deterministic).
inline std::string utf8_replace_invalid(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  std::size_t i = 0;
  while (i < s.size()) {
    const std::size_t valid_end = utf8_valid_prefix(s, i);
    out.append(s.substr(i, valid_end - i));
    if (valid_end >= s.size()) break;
    out.append("\xEF\xBF\xBD");
    i = valid_end + 1;
  }
  return out;
}

/// True for a continuation byte (10xxxxxx): it never starts a character.
inline bool utf8_is_continuation(unsigned char byte) { return (byte & 0xC0) == 0x80; }

/// The length a lead byte announces (1-4), leniently: a stray continuation or an invalid
/// lead counts as 1, so a scan over damaged text still advances.
inline std::size_t utf8_lead_length(unsigned char lead) {
  if (lead < 0x80) return 1;
  if ((lead & 0xE0) == 0xC0) return 2;
  if ((lead & 0xF0) == 0xE0) return 3;
  if ((lead & 0xF8) == 0xF0) return 4;
  return 1;
}

/// The character boundary at or before `at` (at most s.size()): where text may be cut
/// without splitting a character.
inline std::size_t utf8_floor(std::string_view s, std::size_t at) {
  if (at >= s.size()) return s.size();
  while (at > 0 && utf8_is_continuation(static_cast<unsigned char>(s[at]))) --at;
  return at;
}

/// The start of the character before `at` (0 at the start).
inline std::size_t utf8_prev(std::string_view s, std::size_t at) {
  if (at == 0) return 0;
  return utf8_floor(s, std::min(at, s.size()) - 1);
}

/// The start of the character after the one at `at` (s.size() at the end).
inline std::size_t utf8_next(std::string_view s, std::size_t at) {
  if (at >= s.size()) return s.size();
  ++at;
  while (at < s.size() && utf8_is_continuation(static_cast<unsigned char>(s[at]))) ++at;
  return at;
}

/// The length of s[0, length) without a character cut short at its end: a stream that has
/// only part of a multi-byte character holds those bytes back until the rest arrives.
inline std::size_t utf8_complete_prefix(std::string_view s, std::size_t length) {
  std::size_t start = length;
  // Step back over at most 3 continuation bytes to the lead byte of the last character.
  while (start > 0 && length - start < 4 && utf8_is_continuation(static_cast<unsigned char>(s[start - 1]))) --start;
  if (start == 0) return length;
  const auto lead = static_cast<unsigned char>(s[start - 1]);
  const std::size_t need = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : lead >= 0xC0 ? 2 : 1;
  return length - (start - 1) < need ? start - 1 : length;
}

}  // namespace seek
