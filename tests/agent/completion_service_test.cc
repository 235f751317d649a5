// The completion service: cleaning (one line, no repeat of the text after the cursor), the
// model-free line-history backend, and cancellation.
#include "agent/completion_service.h"

#include <gtest/gtest.h>

namespace seek::agent {
namespace {

TEST(CleanCompletion, KeepsOneLineAndDoesNotRepeatTheSuffix) {
  EXPECT_EQ(clean_completion("foo(a, b);\nnext line", "", false), "foo(a, b);");
  EXPECT_EQ(clean_completion("foo(a, b);\nnext line", "", true), "foo(a, b);\nnext line");
  EXPECT_EQ(clean_completion("a, b)", ")\nrest", false), "a, b");  // the ')' already follows the cursor
  EXPECT_EQ(clean_completion("x\r", "", false), "x");
  // Multi-line at indentation 4: the body goes on while indented, stops where the scope ends.
  EXPECT_EQ(clean_completion("total = 0\n    for x in xs:\n        total += x\n\n    return total\ndef other():\n    pass", "", true, 4),
            "total = 0\n    for x in xs:\n        total += x\n\n    return total");
  EXPECT_EQ(clean_completion("a\nb\n\n", "", true, 0), "a\nb");
}

TEST(LineHistoryBackend, ContinuesTheMostRecentMatchingLine) {
  CompletionService service(make_line_history_completion_source());
  std::atomic<bool> cancel{false};
  CompletionRequest r;
  r.prefix = "for (int i = 0; i < n; ++i) {\n}\nvoid g() {\n  for (int i";
  r.suffix = "\n}\n";
  auto g = service.complete(r, cancel);
  ASSERT_TRUE(g.ok());
  EXPECT_EQ(g->text, " = 0; i < n; ++i) {");
  r.prefix = "nothing matches\n  zzz";
  EXPECT_EQ(service.complete(r, cancel)->text, "");
  r.context = {{"other.cc", "zzz_from_another_file();\n"}};
  EXPECT_EQ(service.complete(r, cancel)->text, "_from_another_file();");
  cancel = true;
  EXPECT_TRUE(service.complete(r, cancel)->cancelled);
}

// A backend that counts its calls and always suggests the same text.
class CountingBackend final : public CompletionSource {
 public:
  explicit CountingBackend(int* calls) : calls_(calls) {}
  std::string name() const override { return "counting"; }
  Result<Generation> generate(const CompletionRequest&, const std::atomic<bool>&) override {
    ++*calls_;
    Generation g;
    g.text = "hello_world(42);";
    return g;
  }

 private:
  int* calls_;
};

TEST(CompletionService, TypingIntoASuggestionReusesItWithoutGenerating) {
  int calls = 0;
  CompletionService service(std::make_unique<CountingBackend>(&calls));
  std::atomic<bool> cancel{false};
  CompletionRequest r;
  r.path = "a.cc";
  r.prefix = "void f() {\n  ";
  r.suffix = "\n}\n";
  EXPECT_EQ(service.complete(r, cancel)->text, "hello_world(42);");
  r.prefix += "hel";
  auto g = service.complete(r, cancel);
  EXPECT_EQ(g->text, "lo_world(42);");
  EXPECT_TRUE(g->from_cache);
  EXPECT_EQ(calls, 1);
  r.prefix += "X";  // diverges from the suggestion: a new generation
  EXPECT_EQ(service.complete(r, cancel)->text, "hello_world(42);");
  EXPECT_EQ(calls, 2);
}

}  // namespace
}  // namespace seek::agent
