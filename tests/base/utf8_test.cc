// base/utf8.h: validation and the character-boundary steps (floor, next, prev, the complete
// prefix a stream may emit) on ASCII, CJK, emoji and damaged input.
#include "base/utf8.h"

#include <gtest/gtest.h>

namespace seek {
namespace {

TEST(Utf8, ValidatesStrictly) {
  EXPECT_TRUE(is_valid_utf8("plain ascii"));
  EXPECT_TRUE(is_valid_utf8("漢字 and 🎉"));
  EXPECT_FALSE(is_valid_utf8("\xC0\x80"));          // overlong
  EXPECT_FALSE(is_valid_utf8("\xED\xA0\x80"));      // a UTF-16 surrogate
  EXPECT_FALSE(is_valid_utf8("\xF4\x90\x80\x80"));  // past U+10FFFF
  EXPECT_EQ(utf8_valid_prefix("ab\xFFz"), 2u);
}

TEST(Utf8, StepsOverWholeCharacters) {
  const std::string s = "a漢🎉b";  // 1 + 3 + 4 + 1 bytes
  EXPECT_EQ(utf8_next(s, 0), 1u);
  EXPECT_EQ(utf8_next(s, 1), 4u);
  EXPECT_EQ(utf8_next(s, 4), 8u);
  EXPECT_EQ(utf8_next(s, 8), 9u);
  EXPECT_EQ(utf8_next(s, 9), 9u);
  EXPECT_EQ(utf8_prev(s, 9), 8u);
  EXPECT_EQ(utf8_prev(s, 8), 4u);
  EXPECT_EQ(utf8_prev(s, 4), 1u);
  EXPECT_EQ(utf8_prev(s, 0), 0u);
  for (std::size_t at = 4; at < 8; ++at) EXPECT_EQ(utf8_floor(s, at), 4u) << at;  // inside the emoji
  EXPECT_EQ(utf8_floor(s, 100), s.size());
}

TEST(Utf8, CompletePrefixHoldsBackACharacterCutShort) {
  const std::string s = "ok 漢";
  EXPECT_EQ(utf8_complete_prefix(s, s.size()), s.size());
  EXPECT_EQ(utf8_complete_prefix(s, s.size() - 1), 3u);  // two of the three bytes: wait for the third
  EXPECT_EQ(utf8_complete_prefix(s, 3), 3u);
  EXPECT_EQ(utf8_complete_prefix("\x80\x80", 2), 2u);  // stray continuation bytes are not held
}

TEST(Utf8, LeadLengthIsLenient) {
  EXPECT_EQ(utf8_lead_length('a'), 1u);
  EXPECT_EQ(utf8_lead_length(0xE6), 3u);
  EXPECT_EQ(utf8_lead_length(0xF0), 4u);
  EXPECT_EQ(utf8_lead_length(0x80), 1u);  // a stray continuation still advances
}

}  // namespace
}  // namespace seek
