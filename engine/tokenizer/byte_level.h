// The GPT-2 byte-level alphabet used by DeepSeek's BPE: every byte 0-255 is shown as one
// printable code point, so that BPE tokens are always valid text. Printable Latin-1 bytes
// map to themselves; the other 68 bytes map to U+0100.. in byte order.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace seek::engine {

/// The code point that stands for `byte` in byte-level token strings.
char32_t byte_to_char(std::uint8_t byte);

/// The byte a byte-level code point stands for, or nullopt when cp is not in the alphabet.
std::optional<std::uint8_t> char_to_byte(char32_t cp);

/// The UTF-8 encoding of byte_to_char(b) for every byte, for building token strings fast.
const std::array<std::string, 256>& byte_level_strings();

/// Maps a token string back to bytes the way HF's ByteLevel decoder does: each code point
/// to its byte, or, when any code point is outside the alphabet, the token's own UTF-8.
std::string byte_level_decode(std::string_view token);

}  // namespace seek::engine
