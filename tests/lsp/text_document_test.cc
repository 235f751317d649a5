// Document positions in each encoding (emoji and CJK before the cursor, CRLF and lone CR
// line ends, positions past a line's end) and incremental edits.
#include "lsp/text_document.h"

#include <gtest/gtest.h>

namespace seek::lsp {
namespace {

TEST(TextDocument, CountsPositionsInTheNegotiatedEncoding) {
  // "a😀é中b": 😀 is 4 UTF-8 bytes / 2 UTF-16 units / 1 code point; é 2/1/1; 中 3/1/1.
  const TextDocument doc("file:///x", "txt", 1, "line0\na\xF0\x9F\x98\x80\xC3\xA9\xE4\xB8\xAD" "b\nz");
  const std::size_t b = doc.text().find('b');
  EXPECT_EQ(doc.position(b, PositionEncoding::kUtf16), (Position{1, 5}));
  EXPECT_EQ(doc.position(b, PositionEncoding::kUtf8), (Position{1, 10}));
  EXPECT_EQ(doc.position(b, PositionEncoding::kUtf32), (Position{1, 4}));
  EXPECT_EQ(doc.offset({1, 5}, PositionEncoding::kUtf16), b);
  EXPECT_EQ(doc.offset({1, 10}, PositionEncoding::kUtf8), b);
  // Inside the surrogate pair: stays before the emoji, never splits it.
  EXPECT_EQ(doc.offset({1, 2}, PositionEncoding::kUtf16), doc.text().find('a') + 1);
  // Past the line's end clamps to the end of the line, not into the next one.
  EXPECT_EQ(doc.offset({1, 99}, PositionEncoding::kUtf16), doc.text().find('\n', 6));
  EXPECT_EQ(doc.offset({9, 0}, PositionEncoding::kUtf16), doc.text().size());
  EXPECT_EQ(encoded_length("a\xF0\x9F\x98\x80", PositionEncoding::kUtf16), 3);
}

TEST(TextDocument, HandlesEveryLineEnd) {
  const TextDocument doc("u", "txt", 1, "a\r\nb\rc\nd");
  EXPECT_EQ(doc.offset({1, 0}, PositionEncoding::kUtf16), 3u);
  EXPECT_EQ(doc.offset({2, 0}, PositionEncoding::kUtf16), 5u);
  EXPECT_EQ(doc.offset({3, 0}, PositionEncoding::kUtf16), 7u);
  EXPECT_EQ(doc.offset({0, 5}, PositionEncoding::kUtf16), 1u);  // before the \r\n
  EXPECT_EQ(doc.position(4, PositionEncoding::kUtf16), (Position{1, 1}));
}

TEST(TextDocument, AppliesIncrementalAndFullChanges) {
  TextDocument doc("u", "cpp", 1, "int main() {\n  return 0;\n}\n");
  ASSERT_TRUE(doc.apply_change(Range{{1, 9}, {1, 10}}, "42", 2, PositionEncoding::kUtf16).ok());
  EXPECT_EQ(doc.text(), "int main() {\n  return 42;\n}\n");
  ASSERT_TRUE(doc.apply_change(Range{{0, 0}, {0, 0}}, "// \xF0\x9F\x98\x80\n", 3, PositionEncoding::kUtf16).ok());
  ASSERT_TRUE(doc.apply_change(Range{{0, 3}, {0, 5}}, "ok", 4, PositionEncoding::kUtf16).ok());  // replaces the emoji
  EXPECT_EQ(doc.text().substr(0, 6), "// ok\n");
  EXPECT_EQ(doc.version(), 4);
  EXPECT_FALSE(doc.apply_change(Range{{1, 5}, {0, 0}}, "x", 5, PositionEncoding::kUtf16).ok());
  EXPECT_EQ(doc.version(), 4);
  ASSERT_TRUE(doc.apply_change(std::nullopt, "new", 6, PositionEncoding::kUtf16).ok());
  EXPECT_EQ(doc.text(), "new");
}

}  // namespace
}  // namespace seek::lsp
