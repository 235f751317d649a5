// FrameDecoder: split points, size caps, garbage and recovery.
#include "lsp/framing.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace seek::lsp {
namespace {

// Feeds `bytes` in chunks of `chunk` and collects every event.
std::vector<FrameEvent> decode(FrameDecoder& d, const std::string& bytes, size_t chunk) {
  std::vector<FrameEvent> events;
  for (size_t i = 0; i < bytes.size(); i += chunk) {
    d.feed(std::string_view(bytes).substr(i, chunk));
    while (auto ev = d.next()) events.push_back(std::move(*ev));
  }
  return events;
}

TEST(Framing, EncodeDecodeRoundTripAtEverySplit) {
  const std::string stream = encode_frame(R"({"a":1})") + encode_frame("") + encode_frame(R"({"b":"é"})");
  for (size_t chunk = 1; chunk <= stream.size(); ++chunk) {
    FrameDecoder d;
    auto events = decode(d, stream, chunk);
    ASSERT_EQ(events.size(), 3u) << "chunk " << chunk;
    EXPECT_EQ(events[0].body, R"({"a":1})");
    EXPECT_EQ(events[1].body, "");
    EXPECT_EQ(events[2].body, R"({"b":"é"})");
    EXPECT_FALSE(d.mid_frame());
  }
}

TEST(Framing, AcceptsOtherHeadersAndAnyCase) {
  FrameDecoder d;
  auto events = decode(d, "content-length: 2\r\nContent-Type: application/vscode-jsonrpc; charset=utf-8\r\n\r\n{}", 64);
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].body, "{}");
}

TEST(Framing, MidFrameWhileHeaderOrBodyIsIncomplete) {
  FrameDecoder d;
  d.feed("Content-Length: 4\r\n");
  EXPECT_FALSE(d.next());
  EXPECT_TRUE(d.mid_frame());
  d.feed("\r\n");
  EXPECT_FALSE(d.next());
  EXPECT_TRUE(d.mid_frame()) << "header consumed, body owed";
  d.feed("null");
  auto ev = d.next();
  ASSERT_TRUE(ev && ev->body);
  EXPECT_EQ(*ev->body, "null");
  EXPECT_FALSE(d.mid_frame());
}

TEST(Framing, OversizedBodyIsReportedSkippedAndTheNextFrameServed) {
  FrameDecoder d(FrameLimits{.max_body_bytes = 1024, .max_header_bytes = 256});
  const std::string big(1025, 'x');
  auto events = decode(d, "Content-Length: 1025\r\n\r\n" + big + encode_frame("{}"), 100);
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(events[0].error, FrameError::kBodyTooLarge);
  EXPECT_FALSE(events[0].fatal);
  ASSERT_TRUE(events[1].body);
  EXPECT_EQ(*events[1].body, "{}");
}

TEST(Framing, OverflowingContentLengthIsAnErrorNotWrapped) {
  FrameDecoder d;
  auto events = decode(d, "Content-Length: 99999999999999999999999999\r\n\r\n" + encode_frame("[1]"), 100);
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(events[0].error, FrameError::kBodyTooLarge);
  EXPECT_FALSE(events[0].fatal);
  ASSERT_TRUE(events[1].body);
  EXPECT_EQ(*events[1].body, "[1]");
}

TEST(Framing, RecoversAfterAMalformedHeaderBlock) {
  FrameDecoder d;
  auto events = decode(d, "garbage line\r\n\r\n" + encode_frame("{}"), 3);
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(events[0].error, FrameError::kMalformedHeader);
  EXPECT_FALSE(events[0].fatal);
  EXPECT_EQ(events[1].body, "{}");
}

TEST(Framing, RecoversAfterAMissingOrInvalidLength) {
  FrameDecoder d;
  auto events = decode(d, "X-Other: 1\r\n\r\nContent-Length: -3\r\n\r\nContent-Length: 3x\r\n\r\n" + encode_frame("[]"), 7);
  ASSERT_EQ(events.size(), 4u);
  EXPECT_EQ(events[0].error, FrameError::kMissingContentLength);
  EXPECT_EQ(events[1].error, FrameError::kMalformedHeader);
  EXPECT_EQ(events[2].error, FrameError::kMalformedHeader);
  EXPECT_EQ(events[3].body, "[]");
}

TEST(Framing, LongGarbageIsReportedOnceThenSkippedToTheNextHeader) {
  FrameDecoder d(FrameLimits{.max_body_bytes = 1 << 20, .max_header_bytes = 128});
  std::string garbage;
  for (int i = 0; i < 300; ++i) garbage += static_cast<char>('a' + i % 26);
  auto events = decode(d, garbage + encode_frame(R"({"ok":true})"), 50);
  ASSERT_GE(events.size(), 2u);
  EXPECT_EQ(events.front().error, FrameError::kHeaderTooLong);
  EXPECT_EQ(events.back().body, R"({"ok":true})");
  for (size_t i = 0; i + 1 < events.size(); ++i) EXPECT_TRUE(events[i].error.has_value());
}

TEST(Framing, AFrameInsideAGarbageBlockIsFound) {
  for (size_t chunk : {1, 5, 100}) {
    FrameDecoder d;
    auto events = decode(d, "junk\nContent-Length: 2\r\n\r\n{}" + encode_frame("[1]"), chunk);
    ASSERT_GE(events.size(), 3u) << "chunk " << chunk;
    EXPECT_TRUE(events.front().error.has_value());
    EXPECT_EQ(events[events.size() - 2].body, "{}") << "chunk " << chunk;
    EXPECT_EQ(events.back().body, "[1]") << "chunk " << chunk;
  }
}

TEST(Framing, ConflictingLengthsAreMalformed) {
  FrameDecoder d;
  auto events = decode(d, "Content-Length: 2\r\nContent-Length: 3\r\n\r\n" + encode_frame("{}"), 100);
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(events[0].error, FrameError::kMalformedHeader);
  EXPECT_EQ(events[1].body, "{}");
}

}  // namespace
}  // namespace seek::lsp
