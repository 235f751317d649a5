// The V4 chat encoder against the official golden files and the randomized cases generated
// offline with the official encoder (tests/data/chat/README.md says how).
#include "engine/chat/chat_encoding.h"

#include <gtest/gtest.h>

#include <sstream>

#include "tests/support/paths.h"

namespace seek::engine {
namespace {

using testing::read_test_file;
using testing::test_data_path;

std::vector<OrderedJson> read_jsonl(const std::string& path) {
  std::vector<OrderedJson> cases;
  std::istringstream lines(read_test_file(path));
  std::string line;
  while (std::getline(lines, line)) {
    if (line.empty()) continue;
    auto value = python_json_loads(line);
    EXPECT_TRUE(value.has_value()) << "bad line in " << path;
    if (value) cases.push_back(std::move(*value));
  }
  return cases;
}

TEST(ChatEncoding, OfficialGoldenFiles) {
  for (int i = 1; i <= 4; ++i) {
    SCOPED_TRACE("golden case " + std::to_string(i));
    auto input = python_json_loads(read_test_file(test_data_path("chat/golden/test_input_" + std::to_string(i) + ".json")));
    ASSERT_TRUE(input.has_value());
    OrderedJson messages = *input;
    if (messages.is_object()) {  // {"tools": [...], "messages": [...]}: tools go on messages[0]
      OrderedJson wrapped = messages;
      messages = wrapped["messages"];
      if (wrapped.contains("tools")) messages[0]["tools"] = wrapped["tools"];
    }
    ChatEncodeOptions options;
    options.thinking_mode = i == 4 ? ThinkingMode::kChat : ThinkingMode::kThinking;
    auto prompt = encode_chat(messages, options);
    ASSERT_TRUE(prompt.ok()) << prompt.error().message;
    EXPECT_EQ(*prompt, read_test_file(test_data_path("chat/golden/test_output_" + std::to_string(i) + ".txt")));
  }
}

TEST(ChatEncoding, RandomizedCasesMatchTheOfficialEncoder) {
  const auto cases = read_jsonl(test_data_path("chat/encode_cases.jsonl"));
  ASSERT_GE(cases.size(), 500u);
  int failures = 0;
  for (const OrderedJson& c : cases) {
    ChatEncodeOptions options;
    options.thinking_mode = c["thinking_mode"] == "chat" ? ThinkingMode::kChat : ThinkingMode::kThinking;
    if (c["reasoning_effort"] == "max") options.reasoning_effort = ReasoningEffort::kMax;
    if (c["reasoning_effort"] == "high") options.reasoning_effort = ReasoningEffort::kHigh;
    options.drop_thinking = c["drop_thinking"].get<bool>();
    options.add_bos = c["add_bos"].get<bool>();
    auto prompt = encode_chat(c["messages"], options);
    const std::string id = python_json_dumps(c["id"]);
    if (c.contains("expected")) {
      if (!prompt.ok()) {
        ADD_FAILURE() << "case " << id << ": unexpected error " << prompt.error().message;
        ++failures;
      } else if (*prompt != c["expected"].get<std::string>()) {
        const std::string& want = c["expected"].get_ref<const std::string&>();
        std::size_t at = 0;
        while (at < want.size() && at < prompt->size() && want[at] == (*prompt)[at]) ++at;
        ADD_FAILURE() << "case " << id << ": differs at byte " << at << "\n want: " << want.substr(at, 80)
                      << "\n  got: " << prompt->substr(at, 80);
        ++failures;
      }
    } else if (prompt.ok()) {
      ADD_FAILURE() << "case " << id << ": the official encoder raises " << c["expected_error"].get<std::string>()
                    << " but we encoded it";
      ++failures;
    }
    if (failures > 10) break;
  }
}

TEST(ChatEncoding, ModesAndEffortPrefix) {
  auto messages = *python_json_loads(R"([{"role":"system","content":"S"},{"role":"user","content":"Q"}])");
  ChatEncodeOptions chat{ThinkingMode::kChat, std::nullopt, true, true};
  EXPECT_EQ(*encode_chat(messages, chat), "<｜begin▁of▁sentence｜>S<｜User｜>Q<｜Assistant｜></think>");
  ChatEncodeOptions high{ThinkingMode::kThinking, ReasoningEffort::kHigh, true, false};
  EXPECT_EQ(*encode_chat(messages, high), "S<｜User｜>Q<｜Assistant｜><think>");
  ChatEncodeOptions max{ThinkingMode::kThinking, ReasoningEffort::kMax, true, true};
  const std::string with_max = *encode_chat(messages, max);
  EXPECT_EQ(with_max.rfind("<｜begin▁of▁sentence｜>Reasoning Effort: Absolute maximum", 0), 0u);
  EXPECT_NE(with_max.find("left unchecked.\n\nS<｜User｜>Q<｜Assistant｜><think>"), std::string::npos);
}

TEST(ChatEncoding, RejectsWhatTheOfficialEncoderRejects) {
  const ChatEncodeOptions options;
  for (const char* bad : {
           R"({"role":"user"})",                                  // not a list
           R"([{"role":"developer","content":""}])",              // developer needs content
           R"([{"role":"wizard","content":"x"}])",                // unknown role
           R"([{"role":"user","content":null}])",                 // join over None
           R"([{"role":"user","content":"x","task":"nope"}])",    // invalid task
           R"([{"role":"assistant","tool_calls":[{"function":{"name":"f"}}]}])",                 // no arguments
           R"([{"role":"assistant","tool_calls":[{"function":{"name":"f","arguments":"[1]"}}]}])",  // not an object
       }) {
    auto messages = python_json_loads(bad);
    ASSERT_TRUE(messages.has_value()) << bad;
    EXPECT_FALSE(encode_chat(*messages, options).ok()) << bad;
  }
}

// Tool-call ids are Python dict keys in the official code: True == 1 == 1.0 match each other,
// and a list or dict id raises TypeError (found by a fuzzing review against the official code).
TEST(ChatEncoding, ToolCallIdsBehaveAsPythonDictKeys) {
  auto messages = *python_json_loads(
      R"([{"role": "user", "content": "q"}, {"role": "assistant", "content": "", "tool_calls": [{"id": true, "type": "function", "function": {"name": "a", "arguments": "{}"}}, {"id": 2, "type": "function", "function": {"name": "b", "arguments": "{}"}}]}, {"role": "tool", "tool_call_id": 2, "content": "B"}, {"role": "tool", "tool_call_id": 1.0, "content": "A"}])");
  ChatEncodeOptions chat{ThinkingMode::kChat, std::nullopt, true, true};
  auto prompt = encode_chat(messages, chat);
  ASSERT_TRUE(prompt.ok()) << prompt.error().message;
  EXPECT_NE(prompt->find("<tool_result>A</tool_result>\n\n<tool_result>B</tool_result>"), std::string::npos) << *prompt;
  for (const char* id : {R"({"a": 1})", "[1]"}) {
    auto bad = *python_json_loads(std::string(R"([{"role": "assistant", "tool_calls": [{"id": )") + id +
                                  R"(, "function": {"name": "f", "arguments": "{}"}}]}])");
    EXPECT_FALSE(encode_chat(bad, chat).ok()) << id;
  }
  auto bad_role = *python_json_loads(R"([{"role": ["x"], "content": "a"}, {"role": "user", "content": "b"}])");
  EXPECT_FALSE(encode_chat(bad_role, ChatEncodeOptions{}).ok()) << "an unhashable role raises in drop_thinking";
}

TEST(PythonJson, FloatReprMatchesPython) {
  const std::pair<double, const char*> cases[] = {
      {1.0, "1.0"},       {0.1, "0.1"},           {1e-7, "1e-07"},        {1e16, "1e+16"},
      {1e15, "1000000000000000.0"}, {123456789.125, "123456789.125"}, {-0.0, "-0.0"}, {1e-4, "0.0001"},
      {1.5e300, "1.5e+300"}, {100.0, "100.0"}, {2.5e-5, "2.5e-05"}, {0.30000000000000004, "0.30000000000000004"},
  };
  for (const auto& [value, want] : cases) EXPECT_EQ(python_float_repr(value), want) << value;
}

TEST(PythonJson, LoadsLikePython) {
  EXPECT_EQ(python_json_dumps(*python_json_loads(R"({"b": 1, "a": [1.0, 1E2, -0, 12345678901234567890123]})")),
            R"({"b": 1, "a": [1.0, 100.0, 0, 12345678901234567890123]})");
  EXPECT_EQ(python_json_dumps(*python_json_loads(R"([NaN, Infinity, -Infinity, 1e400])")),
            "[NaN, Infinity, -Infinity, Infinity]");
  EXPECT_EQ(python_json_dumps(*python_json_loads(R"({"k": 1, "k": 2, "j": 3})")), R"({"k": 2, "j": 3})");
  EXPECT_EQ(python_json_dumps(*python_json_loads(R"("é\u00e9\ud83d\ude00\u001f")")), "\"éé😀\\u001f\"");
  // A lone surrogate is kept (Python keeps it in its str); repr() escapes it.
  EXPECT_EQ(python_str(*python_json_loads(R"(["\udc00", "\ud800A"])")), R"(['\udc00', '\ud800A'])");
  EXPECT_EQ(python_str(*python_json_loads(R"(["\ud83d\ude00"])")), "['😀']");
  for (const char* bad : {"\xEF\xBB\xBF{}", "[1,]", "01", ".5", "\"a\nb\"", "{} x", "-"}) {
    EXPECT_FALSE(python_json_loads(bad).has_value()) << bad;
  }
}

TEST(PythonJson, StrAndTruthiness) {
  EXPECT_EQ(python_str(OrderedJson()), "None");
  EXPECT_EQ(python_str(OrderedJson(true)), "True");
  EXPECT_EQ(python_str(*python_json_loads(R"({"a": [1, "it's", null, false, "x\ny"]})")),
            R"({'a': [1, "it's", None, False, 'x\ny']})");
  EXPECT_FALSE(python_truthy(*python_json_loads("0.0")));
  EXPECT_FALSE(python_truthy(*python_json_loads("{}")));
  EXPECT_TRUE(python_truthy(*python_json_loads("[0]")));
}

}  // namespace
}  // namespace seek::engine
