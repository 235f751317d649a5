// LocalChatGenerator: a scripted engine that generates a known completion token by token
// shows the deltas add up to exactly the parsed reasoning and content (with and without a
// DSML tool call, with multi-byte characters split across tokens); on a tiny random
// checkpoint the reply streams per token, each delta valid UTF-8, and a cancel ends it.
#include "engine/runtime/local_chat.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "engine/checkpoint/presets.h"
#include "engine/checkpoint/random_checkpoint.h"
#include "engine/tokenizer/tokenizer.h"
#include "engine/runtime/local_engine.h"
#include "tests/support/paths.h"
#include "tests/support/temp_dir.h"

namespace seek::engine {
namespace {

// Generates a fixed completion: its tokens one by one, then "eos".
class ScriptedEngine final : public TokenGenerator {
 public:
  ScriptedEngine(const Tokenizer& tokenizer, std::string completion) : tokenizer_(tokenizer), completion_(std::move(completion)) {}
  std::string name() const override { return "scripted"; }
  const Tokenizer& tokenizer() const override { return tokenizer_; }
  Result<GenerateStats> submit(const GenerateRequest& request, FunctionRef<void(const GenerateEvent&)> sink,
                               const std::atomic<bool>&) override {
    GenerateStats stats;
    stats.prompt_tokens = static_cast<std::int64_t>(request.prompt.size());
    for (TokenId id : tokenizer_.encode(completion_)) {
      sink(GenerateEvent{GenerateEvent::Kind::kToken, id, tokenizer_.token_bytes(id)});
      ++stats.generated;
    }
    stats.finish = "eos";
    return stats;
  }

 private:
  const Tokenizer& tokenizer_;
  std::string completion_;
};

TEST(LocalChat, StreamedDeltasAddUpToTheParsedReply) {
  auto tokenizer = Tokenizer::load(testing::v4_tokenizer_path());
  ASSERT_TRUE(tokenizer.ok()) << tokenizer.error().message;
  const std::string call =
      "\n\n<｜DSML｜tool_calls>\n<｜DSML｜invoke name=\"read_file\">\n"
      "<｜DSML｜parameter name=\"path\" string=\"true\">src/ü.py</｜DSML｜parameter>\n</｜DSML｜invoke>\n</｜DSML｜tool_calls>";
  struct Case {
    bool thinking;
    std::string completion, reasoning, content;
    std::size_t calls;
  };
  for (const Case& c : {Case{true, "The sign is wrong 😀.</think>Fixed: a + b — done. 你好", "The sign is wrong 😀.", "Fixed: a + b — done. 你好", 0},
                        Case{false, "Plain answer, no thinking.", "", "Plain answer, no thinking.", 0},
                        Case{true, "Read it first.</think>Reading." + call, "Read it first.", "Reading.", 1}}) {
    LocalChatGenerator chat(std::make_shared<ScriptedEngine>(*tokenizer, c.completion));
    ChatRequest request;
    request.messages = nlohmann::json::array({{{"role", "user"}, {"content", "task"}}});
    request.thinking = c.thinking;
    std::string reasoning, content;
    int deltas = 0;
    std::atomic<bool> cancel{false};
    auto result = chat.chat(request,
                            [&](const ChatEvent& e) {
                              ++deltas;
                              if (e.kind == ChatEvent::Kind::kReasoningDelta) reasoning += e.text;
                              if (e.kind == ChatEvent::Kind::kContentDelta) content += e.text;
                            },
                            cancel);
    ASSERT_TRUE(result.ok()) << result.error().message;
    EXPECT_EQ(result->reasoning, c.reasoning);
    EXPECT_EQ(result->content, c.content);
    EXPECT_EQ(reasoning, c.reasoning);
    EXPECT_EQ(content, c.content);
    EXPECT_GE(deltas, 3) << "token by token";
    ASSERT_EQ(result->tool_calls.size(), c.calls);
    if (c.calls) {
      EXPECT_EQ(result->tool_calls[0].name, "read_file");
      EXPECT_EQ(result->tool_calls[0].arguments, R"({"path": "src/ü.py"})");
    }
  }
}

TEST(LocalChat, StreamsPerTokenOnARandomCheckpointAndCancels) {
  testing::TempDir dir("sk-chat-");
  auto config = preset_config("tiny");
  ASSERT_TRUE(config.ok());
  const std::string ck = (dir / "ck").string();
  const std::string tokenizer_dir = std::filesystem::path(testing::v4_tokenizer_path()).parent_path().string();
  ASSERT_TRUE(write_random_checkpoint(*config, ck, {.seed = 7, .tokenizer_dir = tokenizer_dir}).ok());
  auto engine = LocalEngine::load(ck);
  ASSERT_TRUE(engine.ok()) << engine.error().message;
  LocalChatGenerator chat(std::shared_ptr<TokenGenerator>(std::move(*engine)), 24);

  for (bool thinking : {false, true}) {
    ChatRequest request;
    request.messages = nlohmann::json::array({{{"role", "user"}, {"content", "Say hello."}}});
    request.thinking = thinking;
    std::string reasoning, content;
    int deltas = 0;
    std::atomic<bool> cancel{false};
    auto result = chat.chat(request,
                            [&](const ChatEvent& e) {
                              ++deltas;
                              EXPECT_NO_THROW((void)nlohmann::json(e.text).dump()) << "a delta is valid UTF-8";
                              if (e.kind == ChatEvent::Kind::kReasoningDelta) reasoning += e.text;
                              if (e.kind == ChatEvent::Kind::kContentDelta) content += e.text;
                            },
                            cancel);
    ASSERT_TRUE(result.ok()) << result.error().message;
    EXPECT_GE(deltas, 4) << "streamed per token, not once at the end";
    EXPECT_EQ(result->usage.completion_tokens, 24) << "random weights rarely stop early: " << result->finish_reason;
  }
  std::atomic<bool> cancelled{true};
  ChatRequest request;
  request.messages = nlohmann::json::array({{{"role", "user"}, {"content", "Another prompt."}}});
  auto stopped = chat.chat(request, [](const ChatEvent&) {}, cancelled);
  ASSERT_TRUE(stopped.ok());
  EXPECT_EQ(stopped->finish_reason, "cancelled");
}

}  // namespace
}  // namespace seek::engine
