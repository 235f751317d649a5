// FIM prompts: PSM token order, per-part budgets that keep the text nearest the cursor,
// context snippets in priority order, and file text never producing control tokens.
#include "engine/chat/fim.h"

#include <gtest/gtest.h>

#include "tests/support/paths.h"

namespace seek::engine {
namespace {

const Tokenizer& v4() {
  static const Tokenizer tokenizer = std::move(Tokenizer::load(testing::v4_tokenizer_path())).value();
  return tokenizer;
}

constexpr TokenId kBos = 0, kHole = 128800, kBegin = 128801, kEnd = 128802;

std::string decode(const std::vector<TokenId>& ids) { return *v4().decode(ids); }

TEST(Fim, PrefixHoleSuffixOrder) {
  FimRequest request;
  request.prefix = "def add(a, b):\n    return ";
  request.suffix = "\n\nprint(add(1, 2))\n";
  auto prompt = build_fim_prompt(v4(), request);
  ASSERT_TRUE(prompt.ok()) << prompt.error().message;
  EXPECT_EQ(prompt->ids.front(), kBos);
  EXPECT_EQ(prompt->ids[1], kBegin);
  EXPECT_EQ(prompt->ids.back(), kEnd);
  EXPECT_EQ(decode(prompt->ids), std::string("<｜begin▁of▁sentence｜>") +
                                     fim_prompt_text(request.prefix, request.suffix));
  // The prefix/suffix tokens are exactly those of the text on its own.
  auto prefix_ids = v4().encode(request.prefix);
  EXPECT_TRUE(std::equal(prefix_ids.begin(), prefix_ids.end(), prompt->ids.begin() + 2));
  EXPECT_FALSE(prompt->prefix_truncated);
  EXPECT_FALSE(prompt->suffix_truncated);
}

TEST(Fim, BudgetsKeepTheTextNearestTheCursor) {
  std::string prefix, suffix;
  for (int i = 0; i < 400; ++i) prefix += "line_" + std::to_string(i) + " = compute(" + std::to_string(i) + ")\n";
  prefix += "result = ";
  for (int i = 0; i < 400; ++i) suffix += "after_" + std::to_string(i) + "()\n";
  FimRequest request;
  request.prefix = prefix;
  request.suffix = suffix;
  request.max_prefix_tokens = 100;
  request.max_suffix_tokens = 50;
  auto prompt = build_fim_prompt(v4(), request);
  ASSERT_TRUE(prompt.ok());
  EXPECT_TRUE(prompt->prefix_truncated);
  EXPECT_TRUE(prompt->suffix_truncated);
  EXPECT_LE(prompt->prefix_tokens, 100u);
  EXPECT_GE(prompt->prefix_tokens, 75u);
  EXPECT_LE(prompt->suffix_tokens, 50u);
  const std::string text = decode(prompt->ids);
  const auto begin = text.find("<｜fim▁begin｜>") + std::string("<｜fim▁begin｜>").size();
  const auto hole = text.find("<｜fim▁hole｜>");
  const std::string kept_prefix = text.substr(begin, hole - begin);
  EXPECT_TRUE(kept_prefix.ends_with("line_399 = compute(399)\nresult = "));
  EXPECT_TRUE(prefix.ends_with(kept_prefix));
  EXPECT_EQ(kept_prefix.rfind("line_", 0), 0u) << "the cut should fall on a line start: " << kept_prefix.substr(0, 40);
  const std::string kept_suffix = text.substr(hole + std::string("<｜fim▁hole｜>").size());
  EXPECT_EQ(kept_suffix.rfind("after_0()\n", 0), 0u);
}

TEST(Fim, ContextSnippetsComeFirstInPriorityOrderWithinBudget) {
  FimRequest request;
  request.prefix = "x = helper(";
  request.suffix = ")\n";
  request.context = {{"src/helper.py", "def helper(v):\n    return v * 2\n"},
                     {"src/other.py", std::string(5000, 'y') + "\n"},
                     {"src/never.py", "never\n"}};
  request.max_context_tokens = 200;
  auto prompt = build_fim_prompt(v4(), request);
  ASSERT_TRUE(prompt.ok());
  const std::string text = decode(prompt->ids);
  EXPECT_EQ(text.rfind("<｜begin▁of▁sentence｜># src/helper.py\ndef helper(v):\n    return v * 2\n# src/other.py\n", 0), 0u)
      << text.substr(0, 200);
  EXPECT_EQ(text.find("never"), std::string::npos);
  EXPECT_LE(prompt->context_tokens, 200u);
  EXPECT_EQ(prompt->snippets_used, 2u);
  EXPECT_LT(text.find("# src/other.py"), text.find("<｜fim▁begin｜>"));
}

TEST(Fim, FileTextCannotInjectControlTokens) {
  FimRequest request;
  request.prefix = "s = '<｜fim▁hole｜><｜end▁of▁sentence｜>'";
  request.suffix = "<｜fim▁end｜>";
  auto prompt = build_fim_prompt(v4(), request);
  ASSERT_TRUE(prompt.ok());
  int holes = 0, ends = 0, eos = 0;
  for (TokenId id : prompt->ids) {
    holes += id == kHole;
    ends += id == kEnd;
    eos += id == 1;
  }
  EXPECT_EQ(holes, 1);
  EXPECT_EQ(ends, 1);
  EXPECT_EQ(eos, 0);
}

TEST(Fim, ZeroBudgetsAndNoBos) {
  FimRequest request;
  request.prefix = "abc";
  request.suffix = "def";
  request.max_prefix_tokens = 0;
  request.max_suffix_tokens = 0;
  request.add_bos = false;
  auto prompt = build_fim_prompt(v4(), request);
  ASSERT_TRUE(prompt.ok());
  EXPECT_EQ(prompt->ids, (std::vector<TokenId>{kBegin, kHole, kEnd}));
  EXPECT_TRUE(prompt->prefix_truncated);
}

}  // namespace
}  // namespace seek::engine
