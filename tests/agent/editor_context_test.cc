// EditorContext: what an editor session hands the model. The completion request's budgets
// (multi-line on an indentation-only line, a short time limit when typed-ahead), the other
// open documents as context, the lines around recent edits elsewhere, workspace-relative
// names, and the code-action tasks with the code they are about.
#include "agent/editor_context.h"

#include <gtest/gtest.h>

#include <fstream>
#include <string>
#include <vector>

#include "tests/support/temp_dir.h"

namespace seek::agent {
namespace {

using namespace std::chrono_literals;

OpenDocument doc(std::string_view uri, std::string_view text) { return {.uri = uri, .file = std::nullopt, .text = text}; }

TEST(EditorContext, BudgetsFollowTheCursorLineAndHowTheRequestCame) {
  EditorContext editor;
  const std::string text = "def f(x):\n    \nreturn x\n";
  const OpenDocument d = doc("file:///a.py", text);
  const CompletionRequest indented = editor.completion_request(d, 14, 1, /*automatic=*/true, {d});
  EXPECT_TRUE(indented.multiline);
  EXPECT_EQ(indented.max_tokens, 96);
  EXPECT_EQ(indented.time_limit, 3000ms);
  EXPECT_EQ(indented.prefix, "def f(x):\n    ");
  EXPECT_EQ(indented.suffix, "\nreturn x\n");
  const CompletionRequest mid_line = editor.completion_request(d, 5, 0, /*automatic=*/false, {d});
  EXPECT_FALSE(mid_line.multiline);
  EXPECT_EQ(mid_line.max_tokens, 48);
  EXPECT_EQ(mid_line.time_limit, 10000ms);
  EXPECT_EQ(mid_line.path, "file:///a.py");  // no workspace: the URI
}

TEST(EditorContext, OtherOpenDocumentsAndRecentEditsBecomeContext) {
  EditorContext editor;
  std::string other_text;
  for (int i = 0; i < 20; ++i) other_text += "line " + std::to_string(i) + "\n";
  const OpenDocument current = doc("file:///a.py", "x = 1\n");
  const OpenDocument other = doc("file:///b.py", other_text);
  editor.note_edit("file:///b.py", 10);
  editor.note_edit("file:///b.py", 11);  // the same place: refreshes the one entry
  editor.note_edit("file:///a.py", 0);   // at the cursor: already in the prefix
  const CompletionRequest r = editor.completion_request(current, 0, 0, true, {current, other});
  ASSERT_EQ(r.context.size(), 1u);
  EXPECT_EQ(r.context[0].path, "file:///b.py");
  EXPECT_EQ(r.context[0].text, other_text);
  ASSERT_EQ(r.recent_edits.size(), 1u);
  EXPECT_EQ(r.recent_edits[0].path, "file:///b.py:12 (edited)");
  EXPECT_EQ(r.recent_edits[0].text, "line 8\nline 9\nline 10\nline 11\nline 12\nline 13\nline 14\n");

  editor.forget("file:///b.py");
  EXPECT_TRUE(editor.completion_request(current, 0, 0, true, {current, other}).recent_edits.empty());
}

TEST(EditorContext, LinesEndAtLoneCarriageReturnsToo) {
  EditorContext editor;
  const OpenDocument current = doc("file:///a.py", "");
  const OpenDocument old_mac = doc("file:///m.txt", "zero\rone\rtwo\rthree\rfour\rfive\rsix\rseven\r");
  editor.note_edit("file:///m.txt", 6);
  const CompletionRequest r = editor.completion_request(current, 0, 0, true, {current, old_mac});
  ASSERT_EQ(r.recent_edits.size(), 1u);
  EXPECT_EQ(r.recent_edits[0].text, "three\rfour\rfive\rsix\rseven\r");
}

TEST(EditorContext, NamesAreWorkspaceRelative) {
  testing::TempDir root;
  std::ofstream(root / "main.py") << "print(1)\n";
  EditorContext editor;
  editor.open_workspace(root.path());
  ASSERT_TRUE(editor.workspace());
  const OpenDocument inside{.uri = "file:///whatever", .file = std::filesystem::canonical(root.path()) / "main.py", .text = "x"};
  EXPECT_EQ(editor.display_path(inside), "main.py");
  const OpenDocument outside{.uri = "file:///etc/hosts", .file = std::filesystem::path("/etc/hosts"), .text = "x"};
  EXPECT_EQ(editor.display_path(outside), "file:///etc/hosts");
}

TEST(EditorContext, CodeActionsCarryTheProblemsAndTheCode) {
  EditorContext editor;
  const OpenDocument d = doc("file:///calc.py", "def add(a, b):\n    return a - b\n\nprint(add(1, 2))\n");
  const std::vector<AgentAction> fixes = editor.code_actions(d, 1, 1, {"add subtracts"});
  ASSERT_EQ(fixes.size(), 2u);
  EXPECT_EQ(fixes[0].title, "seek: fix with the agent");
  EXPECT_EQ(fixes[0].kind, "quickfix");
  EXPECT_EQ(fixes[0].task, "Fix the problem reported at file:///calc.py:2:\n- add subtracts\n\nThe code there:\n    return a - b\n");
  EXPECT_EQ(fixes[1].title, "seek: ask the agent about this code");
  const std::vector<AgentAction> ask = editor.code_actions(d, 0, 1, {});
  ASSERT_EQ(ask.size(), 1u);
  EXPECT_EQ(ask[0].kind, "refactor");
  EXPECT_EQ(ask[0].task,
            "Explain the code at file:///calc.py:1 and what could be better in it. Do not edit files.\n\n"
            "def add(a, b):\n    return a - b\n");
}

}  // namespace
}  // namespace seek::agent
