// `seek tokenize|detokenize|encode-chat|parse-reply` through the real binary: the exact
// stdout contracts (no trailing newline where the contract says so), --jsonl batches, and
// exit 1 with a message on stderr for malformed input (2 for usage errors).
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "tests/support/paths.h"
#include "tests/support/subprocess.h"

namespace seek::testing {
namespace {

ProcessResult seek(const std::vector<std::string>& args, const std::string& input) {
  std::vector<std::string> argv = {seek_binary()};
  argv.insert(argv.end(), args.begin(), args.end());
  return run_process(argv, {}, std::chrono::seconds(60), input);
}

const std::string& tok() {
  static const std::string path = v4_tokenizer_path();
  return path;
}

TEST(TokenizeCommand, PrintsIdsAndDecodesExactly) {
  auto r = seek({"tokenize", "--tokenizer", tok()}, "Hello!");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(nlohmann::json::parse(r.out), nlohmann::json::parse("[19923, 3]"));
  r = seek({"detokenize", "--tokenizer", tok()}, "[19923, 3]");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "Hello!");  // exactly the text, no newline
  // Stdin is verbatim: a trailing newline is a token, special-token text is recognised.
  r = seek({"tokenize", "--tokenizer", tok()}, "<think>x\n");
  auto ids = nlohmann::json::parse(r.out);
  EXPECT_EQ(ids[0], 128821);
  r = seek({"detokenize", "--tokenizer", tok()}, ids.dump());
  EXPECT_EQ(r.out, "<think>x\n");
}

TEST(TokenizeCommand, RoundTripsInvalidUtf8Bytes) {
  const std::string bytes = "caf\xE9 \xFF\xFEok\x80";
  auto r = seek({"tokenize", "--tokenizer", tok()}, bytes);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  r = seek({"detokenize", "--tokenizer", tok()}, r.out);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, bytes);
}

TEST(TokenizeCommand, JsonlBatches) {
  auto r = seek({"tokenize", "--tokenizer", tok(), "--jsonl"}, "\"Hello!\"\n\"a b\"\n\"\"\n");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "[19923,3]\n[67,291]\n[]\n");
  r = seek({"detokenize", "--tokenizer", tok(), "--jsonl"}, "[19923,3]\n[67,291]\n[]\n");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "\"Hello!\"\n\"a b\"\n\"\"\n");
}

TEST(TokenizeCommand, MalformedInputExitsOne) {
  struct Case {
    std::vector<std::string> args;
    std::string input;
    std::string message;
  };
  const Case cases[] = {
      {{"tokenize", "--jsonl"}, "\"ok\"\nnot json\n", "line 2"},
      {{"tokenize", "--jsonl"}, "[1,2]\n", "line 1"},
      {{"detokenize"}, "[1, \"x\"]", "element 1"},
      {{"detokenize"}, "{\"a\":1}", "array"},
      {{"detokenize"}, "[1, 2", "not valid JSON"},
      {{"detokenize"}, "[5000000]", "5000000"},
      {{"detokenize", "--jsonl"}, "[1]\n[-3]\n", "line 2"},
  };
  for (const Case& c : cases) {
    auto args = c.args;
    args.insert(args.end(), {"--tokenizer", tok()});
    auto r = seek(args, c.input);
    EXPECT_EQ(r.exit_code, 1) << c.input;
    EXPECT_NE(r.err.find(c.message), std::string::npos) << r.err;
  }
  auto r = seek({"tokenize", "--tokenizer", "/nonexistent.json"}, "x");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("/nonexistent.json"), std::string::npos);
  EXPECT_EQ(seek({"tokenize"}, "x").exit_code, 2);  // --tokenizer is required
}

TEST(EncodeChatCommand, GoldenFilesByteForByte) {
  for (int i = 1; i <= 4; ++i) {
    const std::string mode = i == 4 ? "chat" : "thinking";
    auto r = seek({"encode-chat", "--thinking-mode", mode},
                  read_test_file(test_data_path("chat/golden/test_input_" + std::to_string(i) + ".json")));
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(r.out, read_test_file(test_data_path("chat/golden/test_output_" + std::to_string(i) + ".txt"))) << i;
  }
}

TEST(EncodeChatCommand, FlagsAndIds) {
  const std::string messages = R"([{"role":"user","content":"Hi"},{"role":"assistant","reasoning_content":"r","content":"Yo"},{"role":"user","content":"Again"}])";
  auto r = seek({"encode-chat", "--thinking-mode", "thinking", "--no-bos", "--keep-thinking"}, messages);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "<｜User｜>Hi<｜Assistant｜><think>r</think>Yo<｜end▁of▁sentence｜><｜User｜>Again<｜Assistant｜><think>");
  r = seek({"encode-chat", "--thinking-mode", "thinking"}, messages);
  EXPECT_EQ(r.out, "<｜begin▁of▁sentence｜><｜User｜>Hi<｜Assistant｜></think>Yo<｜end▁of▁sentence｜><｜User｜>Again<｜Assistant｜><think>");
  r = seek({"encode-chat", "--thinking-mode", "chat", "--ids", "--tokenizer", tok()}, R"([{"role":"user","content":"你好"}])");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(nlohmann::json::parse(r.out), nlohmann::json::parse("[0, 128803, 30594, 128804, 128822]"));
}

TEST(EncodeChatCommand, BadInputExitsOneAndUsageTwo) {
  EXPECT_EQ(seek({"encode-chat", "--thinking-mode", "chat"}, "[{").exit_code, 1);
  auto r = seek({"encode-chat", "--thinking-mode", "chat"}, R"([{"role":"developer","content":""}])");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("developer"), std::string::npos) << r.err;
  EXPECT_EQ(seek({"encode-chat", "--thinking-mode", "fast"}, "[]").exit_code, 2);
  EXPECT_EQ(seek({"encode-chat", "--thinking-mode", "chat", "--ids"}, "[]").exit_code, 2);
  EXPECT_EQ(seek({"encode-chat", "--thinking-mode", "thinking", "--reasoning-effort", "low"}, "[]").exit_code, 2);
}

TEST(ParseReplyCommand, ParsesAndRejects) {
  auto r = seek({"parse-reply", "--thinking-mode", "thinking"},
                "Simple arithmetic.</think>2 + 2 = 4.<｜end▁of▁sentence｜>");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto reply = nlohmann::json::parse(r.out);
  EXPECT_EQ(reply["role"], "assistant");
  EXPECT_EQ(reply["reasoning_content"], "Simple arithmetic.");
  EXPECT_EQ(reply["content"], "2 + 2 = 4.");
  EXPECT_EQ(reply["tool_calls"], nlohmann::json::array());

  r = seek({"parse-reply", "--thinking-mode", "chat"},
           "\n\n<｜DSML｜tool_calls>\n<｜DSML｜invoke name=\"f\">\n<｜DSML｜parameter name=\"n\" string=\"false\">3</｜DSML｜parameter>\n"
           "</｜DSML｜invoke>\n</｜DSML｜tool_calls><｜end▁of▁sentence｜>");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  reply = nlohmann::json::parse(r.out);
  EXPECT_EQ(reply["reasoning_content"], "");
  EXPECT_EQ(reply["tool_calls"][0]["type"], "function");
  EXPECT_EQ(reply["tool_calls"][0]["function"]["name"], "f");
  EXPECT_EQ(reply["tool_calls"][0]["function"]["arguments"], "{\"n\": 3}");

  r = seek({"parse-reply", "--thinking-mode", "thinking"}, "no end of thinking<｜end▁of▁sentence｜>");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("missing </think>"), std::string::npos) << r.err;
  r = seek({"parse-reply", "--thinking-mode", "chat"}, "no eos");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("missing EOS"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace seek::testing
