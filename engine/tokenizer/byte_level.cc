// Byte-level alphabet tables (see byte_level.h), built once.
#include "engine/tokenizer/byte_level.h"

#include "base/utf8.h"

namespace seek::engine {
namespace {

struct Tables {
  std::array<char32_t, 256> to_char{};
  std::array<std::string, 256> to_string{};
  // Code points used by the alphabet are all below U+0144.
  std::array<std::int16_t, 0x144> to_byte{};

  Tables() {
    to_byte.fill(-1);
    const auto printable = [](int b) {
      return (b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE && b <= 0xFF);
    };
    char32_t next = 0x100;
    for (int b = 0; b < 256; ++b) {
      to_char[b] = printable(b) ? static_cast<char32_t>(b) : next++;
      to_byte[to_char[b]] = static_cast<std::int16_t>(b);
      utf8_append(to_string[b], to_char[b]);
    }
  }
};

const Tables& tables() {
  static const Tables instance;
  return instance;
}

}  // namespace

char32_t byte_to_char(std::uint8_t byte) { return tables().to_char[byte]; }

std::optional<std::uint8_t> char_to_byte(char32_t cp) {
  if (cp >= tables().to_byte.size() || tables().to_byte[cp] < 0) return std::nullopt;
  return static_cast<std::uint8_t>(tables().to_byte[cp]);
}

const std::array<std::string, 256>& byte_level_strings() { return tables().to_string; }

std::string byte_level_decode(std::string_view token) {
  std::string bytes;
  bytes.reserve(token.size());
  std::size_t i = 0;
  while (i < token.size()) {
    const std::size_t n = utf8_sequence_length(token, i);
    if (n == 0) return std::string(token);
    const auto byte = char_to_byte(utf8_decode_at(token, i, n));
    if (!byte) return std::string(token);
    bytes.push_back(static_cast<char>(*byte));
    i += n;
  }
  return bytes;
}

}  // namespace seek::engine
