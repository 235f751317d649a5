// The official-compatible reply parser, and the streaming parser checked against it: fed in
// random chunk sizes, the stream must give the same reasoning, content and tool calls.
#include "engine/chat/reply_parser.h"

#include <gtest/gtest.h>

#include <random>
#include <sstream>

#include "engine/chat/py_json.h"
#include "engine/chat/reply_stream.h"
#include "tests/support/paths.h"

namespace seek::engine {
namespace {

using testing::read_test_file;
using testing::test_data_path;

struct Collected {
  std::string reasoning, content;
  std::vector<ParsedToolCall> calls;
  std::vector<std::string> argument_streams;
  std::vector<std::string> errors;
  std::string error_raw;
  int ends = 0;
};

Collected stream(std::string_view text, ThinkingMode mode, std::mt19937& rng) {
  ReplyStreamParser parser(mode);
  std::vector<ReplyEvent> events;
  std::size_t at = 0;
  while (at < text.size()) {
    const std::size_t n = std::min<std::size_t>(text.size() - at, 1 + rng() % 12);
    parser.feed(text.substr(at, n), events);
    at += n;
  }
  parser.finish(events);
  Collected out;
  for (const ReplyEvent& e : events) {
    switch (e.kind) {
      case ReplyEvent::Kind::kReasoningDelta: out.reasoning += e.text; break;
      case ReplyEvent::Kind::kContentDelta: out.content += e.text; break;
      case ReplyEvent::Kind::kToolCallStart: out.argument_streams.emplace_back(); break;
      case ReplyEvent::Kind::kToolCallArgumentsDelta: out.argument_streams.at(e.tool_index) += e.text; break;
      case ReplyEvent::Kind::kToolCallEnd: out.calls.push_back({e.name, e.arguments}); break;
      case ReplyEvent::Kind::kError: out.errors.push_back(e.text); out.error_raw += e.raw; break;
      case ReplyEvent::Kind::kEnd: ++out.ends; break;
    }
  }
  return out;
}

TEST(ReplyParser, BasicThinkingReply) {
  auto reply = parse_reply("Simple arithmetic.</think>2 + 2 = 4.<｜end▁of▁sentence｜>", ThinkingMode::kThinking);
  ASSERT_TRUE(reply.ok()) << reply.error().message;
  EXPECT_EQ(reply->reasoning_content, "Simple arithmetic.");
  EXPECT_EQ(reply->content, "2 + 2 = 4.");
  EXPECT_TRUE(reply->tool_calls.empty());
  EXPECT_EQ(reply_to_json(*reply),
            R"({"role":"assistant","reasoning_content":"Simple arithmetic.","content":"2 + 2 = 4.","tool_calls":[]})");
}

// As the official tests do: cut assistant turns out of the golden prompts and parse them.
TEST(ReplyParser, RecoversTheGoldenAssistantTurns) {
  const std::string marker = "<｜Assistant｜><think>";
  const std::string prompt1 = read_test_file(test_data_path("chat/golden/test_output_1.txt"));
  const std::size_t first = prompt1.find(marker) + marker.size();
  auto call_turn = parse_reply(prompt1.substr(first, prompt1.find("<｜User｜>", first) - first), ThinkingMode::kThinking);
  ASSERT_TRUE(call_turn.ok()) << call_turn.error().message;
  EXPECT_EQ(call_turn->reasoning_content,
            "The user wants to know the weather in Beijing. I should use the get_weather tool.");
  EXPECT_EQ(call_turn->content, "");
  ASSERT_EQ(call_turn->tool_calls.size(), 1u);
  EXPECT_EQ(call_turn->tool_calls[0].name, "get_weather");
  EXPECT_EQ(*python_json_loads(call_turn->tool_calls[0].arguments),
            *python_json_loads(R"({"location": "Beijing", "unit": "celsius"})"));
  auto final_turn = parse_reply(prompt1.substr(prompt1.rfind(marker) + marker.size()), ThinkingMode::kThinking);
  ASSERT_TRUE(final_turn.ok()) << final_turn.error().message;
  EXPECT_EQ(final_turn->reasoning_content, "Got the weather data. Let me format a nice response.");
  EXPECT_NE(final_turn->content.find("22°C"), std::string::npos);
  EXPECT_TRUE(final_turn->tool_calls.empty());

  const std::string prompt2 = read_test_file(test_data_path("chat/golden/test_output_2.txt"));
  auto last = parse_reply(prompt2.substr(prompt2.rfind(marker) + marker.size()), ThinkingMode::kThinking);
  ASSERT_TRUE(last.ok()) << last.error().message;
  EXPECT_EQ(last->reasoning_content, "The user asks about the capital of France. It is Paris.");
  EXPECT_EQ(last->content, "The capital of France is Paris.");
  EXPECT_TRUE(last->tool_calls.empty());
  EXPECT_EQ(prompt2.find("The user said hello"), std::string::npos);
}

TEST(ReplyParser, ToolCallsWithBothParameterForms) {
  const std::string text =
      "Let me check.\n\n<｜DSML｜tool_calls>\n<｜DSML｜invoke name=\"get_weather\">\n"
      "<｜DSML｜parameter name=\"city\" string=\"true\">Paris \"centre\"</｜DSML｜parameter>\n"
      "<｜DSML｜parameter name=\"days\" string=\"false\">[1, {\"x\": 2.5}]</｜DSML｜parameter>\n"
      "</｜DSML｜invoke>\n</｜DSML｜tool_calls><｜end▁of▁sentence｜>";
  auto reply = parse_reply(text, ThinkingMode::kChat);
  ASSERT_TRUE(reply.ok()) << reply.error().message;
  EXPECT_EQ(reply->content, "Let me check.");
  ASSERT_EQ(reply->tool_calls.size(), 1u);
  EXPECT_EQ(reply->tool_calls[0].name, "get_weather");
  EXPECT_EQ(reply->tool_calls[0].arguments, R"({"city": "Paris \"centre\"", "days": [1, {"x": 2.5}]})");
}

TEST(ReplyParser, OfficialParseCases) {
  std::istringstream lines(read_test_file(test_data_path("chat/parse_cases.jsonl")));
  std::string line;
  int count = 0;
  while (std::getline(lines, line)) {
    const OrderedJson c = *python_json_loads(line);
    ++count;
    const std::string text = c["text"].get<std::string>();
    const ThinkingMode mode = c["thinking_mode"] == "chat" ? ThinkingMode::kChat : ThinkingMode::kThinking;
    auto reply = parse_reply(text, mode);
    SCOPED_TRACE("parse case " + python_json_dumps(c["id"]));
    if (!c.contains("expected")) {
      EXPECT_FALSE(reply.ok()) << "official: " << c["expected_error"].get<std::string>();
      continue;
    }
    ASSERT_TRUE(reply.ok()) << reply.error().message;
    const OrderedJson& want = c["expected"];
    EXPECT_EQ(reply->content, want["content"].get<std::string>());
    EXPECT_EQ(reply->reasoning_content, want["reasoning_content"].get<std::string>());
    ASSERT_EQ(reply->tool_calls.size(), want["tool_calls"].size());
    for (std::size_t i = 0; i < reply->tool_calls.size(); ++i) {
      EXPECT_EQ(reply->tool_calls[i].name, want["tool_calls"][i]["function"]["name"].get<std::string>());
      EXPECT_EQ(reply->tool_calls[i].arguments, want["tool_calls"][i]["function"]["arguments"].get<std::string>());
    }
  }
  EXPECT_GE(count, 300);
}

// Every well-formed official case, streamed in random pieces, gives what parse_reply gives,
// and each call's argument deltas add up to its arguments.
TEST(ReplyStream, AgreesWithTheWholeTextParser) {
  std::istringstream lines(read_test_file(test_data_path("chat/parse_cases.jsonl")));
  std::string line;
  std::mt19937 rng(7);
  int checked = 0;
  while (std::getline(lines, line)) {
    const OrderedJson c = *python_json_loads(line);
    if (!c.contains("expected")) continue;
    const std::string text = c["text"].get<std::string>();
    const ThinkingMode mode = c["thinking_mode"] == "chat" ? ThinkingMode::kChat : ThinkingMode::kThinking;
    auto reply = parse_reply(text, mode);
    ASSERT_TRUE(reply.ok());
    // The stream checks string="false" values; the official parser copies them unchecked.
    bool arguments_are_json = true;
    for (const auto& call : reply->tool_calls) arguments_are_json &= OrderedJson::accept(call.arguments);
    // Lenient official forms the stream does not take: headers with "\n\n", values ending "<\n".
    if (text.find("\">\n\n") != std::string::npos || text.find("<\n/｜DSML｜parameter") != std::string::npos) continue;
    for (int round = 0; round < 3; ++round) {
      SCOPED_TRACE("parse case " + python_json_dumps(c["id"]));
      const Collected got = stream(text, mode, rng);
      EXPECT_EQ(got.ends, 1);
      EXPECT_EQ(got.reasoning, reply->reasoning_content);
      if (!arguments_are_json) {
        EXPECT_FALSE(got.errors.empty()) << "bad JSON in a string=\"false\" value was not reported";
        break;
      }
      // Official leniency: a block cut short without EOS parses; the stream calls it unclosed.
      if (!got.errors.empty()) {
        EXPECT_EQ(text.find("<｜end▁of▁sentence｜>"), std::string::npos) << got.errors[0];
        break;
      }
      EXPECT_EQ(got.content, reply->content);
      ASSERT_EQ(got.calls.size(), reply->tool_calls.size());
      for (std::size_t i = 0; i < got.calls.size(); ++i) {
        EXPECT_EQ(got.calls[i].name, reply->tool_calls[i].name);
        EXPECT_EQ(got.calls[i].arguments, reply->tool_calls[i].arguments);
        EXPECT_EQ(got.argument_streams[i], got.calls[i].arguments);
      }
      ++checked;
    }
  }
  EXPECT_GE(checked, 600);
}

TEST(ReplyStream, MalformedOutputGivesAnErrorWithTheRawText) {
  std::mt19937 rng(11);
  const std::string unclosed = "ok\n\n<｜DSML｜tool_calls>\n<｜DSML｜invoke name=\"f\">\n<｜DSML｜parameter name=\"a\" string=\"true\">hal";
  Collected got = stream(unclosed, ThinkingMode::kChat, rng);
  ASSERT_EQ(got.errors.size(), 1u);
  EXPECT_EQ(got.content, "ok");
  EXPECT_EQ(got.error_raw, unclosed.substr(2));  // the whole block, nothing lost

  const std::string unknown_form =
      "\n\n<｜DSML｜tool_calls>\n<｜DSML｜invoke name=\"f\">\n<｜DSML｜parameter name=\"a\" kind=\"x\">1</｜DSML｜parameter>\n";
  got = stream(unknown_form, ThinkingMode::kChat, rng);
  ASSERT_EQ(got.errors.size(), 1u);
  EXPECT_NE(got.error_raw.find("kind=\"x\""), std::string::npos);

  const std::string bad_json =
      "\n\n<｜DSML｜tool_calls>\n<｜DSML｜invoke name=\"f\">\n<｜DSML｜parameter name=\"n\" string=\"false\">{oops</｜DSML｜parameter>\n"
      "</｜DSML｜invoke>\n</｜DSML｜tool_calls><｜end▁of▁sentence｜>";
  got = stream(bad_json, ThinkingMode::kChat, rng);
  ASSERT_EQ(got.errors.size(), 1u);
  EXPECT_NE(got.errors[0].find("not JSON"), std::string::npos);

  got = stream("thinking but never closed", ThinkingMode::kThinking, rng);
  EXPECT_EQ(got.reasoning, "thinking but never closed");
  EXPECT_EQ(got.errors.size(), 1u);
  EXPECT_EQ(got.ends, 1);
}

TEST(ReplyStream, DeltasNeverSplitACharacter) {
  ReplyStreamParser parser(ThinkingMode::kChat);
  std::vector<ReplyEvent> events;
  const std::string text = "日本語😀";
  for (char c : text) parser.feed(std::string_view(&c, 1), events);
  parser.finish(events);
  std::string joined;
  for (const ReplyEvent& e : events) {
    if (e.kind != ReplyEvent::Kind::kContentDelta) continue;
    std::size_t n = 0;
    while (n < e.text.size()) {
      const auto lead = static_cast<unsigned char>(e.text[n]);
      n += lead < 0x80 ? 1 : lead < 0xE0 ? 2 : lead < 0xF0 ? 3 : 4;
    }
    EXPECT_EQ(n, e.text.size());
    joined += e.text;
  }
  EXPECT_EQ(joined, text);
}

}  // namespace
}  // namespace seek::engine
