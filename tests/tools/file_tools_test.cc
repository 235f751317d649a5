// The file tools on a real temporary git repository, with golden tests of exactly what the
// model sees: read_file, list_dir, glob, grep (ignore rules applied), write_file, edit and
// apply_patch (all or nothing), and path confinement for each.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>

#include "tests/support/subprocess.h"
#include "tests/support/temp_dir.h"
#include "tools/file_tools.h"

namespace seek::tools {
namespace {

namespace fs = std::filesystem;

void write(const fs::path& path, const std::string& text) {
  fs::create_directories(path.parent_path());
  std::ofstream(path, std::ios::binary) << text;
}

std::string slurp(const fs::path& path) {
  std::ifstream file(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(file), {});
}

class FileTools : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_EQ(testing::run_process({"git", "init", "-q", dir_.path().string()}).exit_code, 0);
    write(dir_ / ".gitignore", "build/\n*.log\n");
    write(dir_ / "README.md", "# Demo\n");
    write(dir_ / "src/main.cc", "#include <cstdio>\n\nint main() {\n  std::puts(\"hello\");\n  return 0;\n}\n");
    write(dir_ / "src/util/math.h", "inline int add(int a, int b) { return a + b; }\n");
    write(dir_ / "build/out.cc", "int generated_hello;\n");
    write(dir_ / "run.log", "hello from a log\n");
    write(dir_ / "data.bin", std::string("\x00\x01\x02hello", 8));
    write(outside_ / "secret.txt", "top secret\n");
    fs::create_directory_symlink(outside_.path(), dir_ / "escape");
    auto ws = Workspace::open(dir_.path());
    ASSERT_TRUE(ws.ok()) << ws.error().message;
    workspace_ = std::make_shared<Workspace>(std::move(ws).value());
    ASSERT_TRUE(register_file_tools(registry_, workspace_).ok());
  }

  ToolOutput call(const std::string& tool, const nlohmann::json& arguments) {
    auto out = registry_.dispatch(ToolInvocation{tool, arguments});
    EXPECT_TRUE(out.ok()) << (out.ok() ? "" : out.error().message);
    return out.ok() ? *out : ToolOutput{};
  }

  testing::TempDir dir_{"sk-tools-"};
  testing::TempDir outside_{"sk-outside-"};
  std::shared_ptr<Workspace> workspace_;
  ToolRegistry registry_;
};

TEST_F(FileTools, ReadFileShowsNumberedLines) {
  auto out = call("read_file", {{"path", "src/main.cc"}});
  EXPECT_FALSE(out.is_error);
  EXPECT_EQ(out.text,
            "     1\t#include <cstdio>\n     2\t\n     3\tint main() {\n     4\t  std::puts(\"hello\");\n"
            "     5\t  return 0;\n     6\t}\n");
  out = call("read_file", {{"path", "src/main.cc"}, {"offset", 3}, {"limit", 2}});
  EXPECT_EQ(out.text,
            "     3\tint main() {\n     4\t  std::puts(\"hello\");\n"
            "[... more lines after line 4; read on with offset=5 ...]\n");
  EXPECT_EQ(call("read_file", {{"path", "data.bin"}}).text, "data.bin is a binary file (8 bytes); not shown");
  EXPECT_TRUE(call("read_file", {{"path", "src"}}).is_error);
  EXPECT_TRUE(call("read_file", {{"path", "src/main.cc"}, {"offset", 99}}).is_error);
  EXPECT_TRUE(call("read_file", {{"path", "nope.txt"}}).is_error);
}

TEST_F(FileTools, ReadsOutsideTheWorkspaceAreRefused) {
  for (const std::string& path : std::vector<std::string>{"escape/secret.txt", "../" + outside_.path().filename().string() + "/secret.txt",
                                 (outside_ / "secret.txt").string(), std::string("/etc/passwd")}) {
    auto out = call("read_file", {{"path", path}});
    EXPECT_TRUE(out.is_error) << path;
    EXPECT_NE(out.text.find("outside the workspace"), std::string::npos) << out.text;
  }
}

TEST_F(FileTools, BadArgumentsAreModelVisibleErrors) {
  auto out = call("read_file", {{"path", 3}});
  EXPECT_TRUE(out.is_error);
  EXPECT_EQ(out.text, "read_file: bad arguments: 'path' (a string) is required");
  EXPECT_TRUE(call("read_file", nlohmann::json::array()).is_error);
  EXPECT_TRUE(call("edit", {{"path", "README.md"}}).is_error);
  out = call("no_such_tool", nlohmann::json::object());
  EXPECT_TRUE(out.is_error);
  EXPECT_NE(out.text.find("apply_patch, edit, glob, grep, list_dir, read_file, write_file"), std::string::npos) << out.text;
}

TEST_F(FileTools, ListDirAndGlobRespectGitignore) {
  auto out = call("list_dir", nlohmann::json::object());
  EXPECT_EQ(out.text, ".gitignore\nREADME.md\ndata.bin\nescape\nsrc/\nsrc/main.cc\nsrc/util/\n");
  out = call("list_dir", {{"path", "src"}, {"depth", 3}});
  EXPECT_EQ(out.text, "src/main.cc\nsrc/util/\nsrc/util/math.h\n");
  EXPECT_EQ(call("glob", {{"pattern", "**/*.cc"}}).text, "src/main.cc\n");
  EXPECT_EQ(call("glob", {{"pattern", "*.h"}}).text, "src/util/math.h\n");
  EXPECT_EQ(call("glob", {{"pattern", "src/*"}}).text, "src/main.cc\n");
  EXPECT_EQ(call("glob", {{"pattern", "*.log"}}).text, "no files match *.log\n");
}

TEST_F(FileTools, GrepFindsLinesAndSkipsIgnoredAndBinary) {
  EXPECT_EQ(call("grep", {{"pattern", "hel+o"}}).text, "src/main.cc:4:   std::puts(\"hello\");\n");
  EXPECT_EQ(call("grep", {{"pattern", "RETURN"}, {"case_insensitive", true}, {"glob", "*.cc"}}).text,
            "src/main.cc:5:   return 0;\n");
  EXPECT_EQ(call("grep", {{"pattern", "add\\("}, {"path", "src/util"}}).text,
            "src/util/math.h:1: inline int add(int a, int b) { return a + b; }\n");
  EXPECT_EQ(call("grep", {{"pattern", "zzz"}}).text, "no matches for /zzz/ in 4 files\n");
  auto bad = call("grep", {{"pattern", "(unclosed"}});
  EXPECT_TRUE(bad.is_error);
  EXPECT_NE(bad.text.find("bad regular expression"), std::string::npos);
}

TEST_F(FileTools, WriteFileIsConfined) {
  auto out = call("write_file", {{"path", "src/new/file.txt"}, {"content", "new\n"}});
  EXPECT_EQ(out.text, "created src/new/file.txt (4 bytes)\n");
  EXPECT_EQ(slurp(dir_ / "src/new/file.txt"), "new\n");
  chmod((dir_ / "README.md").c_str(), 0755);
  EXPECT_EQ(call("write_file", {{"path", "README.md"}, {"content", "x"}}).text, "overwrote README.md (1 bytes)\n");
  struct stat st {};
  stat((dir_ / "README.md").c_str(), &st);
  EXPECT_EQ(st.st_mode & 0777, 0755u) << "an overwrite keeps the file mode";
  for (const std::string& path : std::vector<std::string>{"escape/pwned", "../pwned", (outside_ / "pwned").string(), std::string(".git/config"),
                                 std::string(".git/hooks/pre-commit"), std::string(".seek/config.toml")}) {
    auto refused = call("write_file", {{"path", path}, {"content", "x"}});
    EXPECT_TRUE(refused.is_error) << path;
  }
  EXPECT_FALSE(fs::exists(outside_ / "pwned"));
  EXPECT_NE(slurp(dir_ / ".git/config"), "x");
}

TEST_F(FileTools, EditReplacesExactlyOnceOrExplains) {
  auto out = call("edit", {{"path", "src/main.cc"}, {"old_string", "\"hello\""}, {"new_string", "\"bye\""}});
  EXPECT_EQ(out.text, "edited src/main.cc: 1 replacement\n");
  EXPECT_NE(slurp(dir_ / "src/main.cc").find("std::puts(\"bye\");"), std::string::npos);

  write(dir_ / "twice.txt", "a = 1\nb = 1\n");
  out = call("edit", {{"path", "twice.txt"}, {"old_string", "= 1"}, {"new_string", "= 2"}});
  EXPECT_TRUE(out.is_error);
  EXPECT_EQ(out.text, "edit: old_string matches 2 times in twice.txt; add surrounding lines to make it unique, or set replace_all");
  EXPECT_EQ(slurp(dir_ / "twice.txt"), "a = 1\nb = 1\n");
  out = call("edit", {{"path", "twice.txt"}, {"old_string", "= 1"}, {"new_string", "= 2"}, {"replace_all", true}});
  EXPECT_EQ(out.text, "edited twice.txt: 2 replacements\n");
  EXPECT_EQ(slurp(dir_ / "twice.txt"), "a = 2\nb = 2\n");

  // A miss (wrong indentation) shows the closest passage with line numbers.
  out = call("edit", {{"path", "src/main.cc"}, {"old_string", "int main() {\n    return 0;"}, {"new_string", "x"}});
  EXPECT_TRUE(out.is_error);
  EXPECT_EQ(out.text,
            "edit: old_string was not found in src/main.cc. The closest passage is:\n"
            "     2\t\n     3\tint main() {\n     4\t  std::puts(\"bye\");\n     5\t  return 0;\n");
}

TEST_F(FileTools, ApplyPatchAddsUpdatesMovesAndDeletes) {
  const std::string patch =
      "*** Begin Patch\n"
      "*** Add File: docs/notes.md\n"
      "+# Notes\n"
      "+first\n"
      "*** Update File: src/main.cc\n"
      "@@ int main() {\n"
      "-  std::puts(\"hello\");\n"
      "+  std::puts(\"patched\");\n"
      "   return 0;\n"
      "*** Update File: src/util/math.h\n"
      "*** Move to: src/util/arith.h\n"
      "@@\n"
      "-inline int add(int a, int b) { return a + b; }\n"
      "+inline int add(int a, int b) { return b + a; }\n"
      "*** Delete File: README.md\n"
      "*** End Patch\n";
  auto out = call("apply_patch", {{"patch", patch}});
  EXPECT_FALSE(out.is_error) << out.text;
  EXPECT_EQ(out.text,
            "Success. Updated the following files:\nA docs/notes.md\nM src/main.cc\n"
            "M src/util/math.h -> src/util/arith.h\nD README.md\n");
  EXPECT_EQ(slurp(dir_ / "docs/notes.md"), "# Notes\nfirst\n");
  EXPECT_EQ(slurp(dir_ / "src/main.cc"),
            "#include <cstdio>\n\nint main() {\n  std::puts(\"patched\");\n  return 0;\n}\n");
  EXPECT_FALSE(fs::exists(dir_ / "src/util/math.h"));
  EXPECT_EQ(slurp(dir_ / "src/util/arith.h"), "inline int add(int a, int b) { return b + a; }\n");
  EXPECT_FALSE(fs::exists(dir_ / "README.md"));
}

// The same operations as a unified diff (git diff), the format many models write: wrong hunk
// line numbers, a "\ No newline" marker and prose around the diff change nothing.
TEST_F(FileTools, ApplyPatchTakesUnifiedDiffs) {
  const std::string diff =
      "Here is the fix:\n"
      "diff --git a/src/main.cc b/src/main.cc\n"
      "index 83db48f..bf269f4 100644\n"
      "--- a/src/main.cc\n"
      "+++ b/src/main.cc\n"
      "@@ -40,3 +40,3 @@ int main() {\n"
      " int main() {\n"
      "-  std::puts(\"hello\");\n"
      "+  std::puts(\"patched\");\n"
      "   return 0;\n"
      "--- /dev/null\n"
      "+++ b/docs/notes.md\n"
      "@@ -0,0 +1,2 @@\n"
      "+# Notes\n"
      "+first\n"
      "\\ No newline at end of file\n"
      "diff --git a/src/util/math.h b/src/util/arith.h\n"
      "--- a/src/util/math.h\n"
      "+++ b/src/util/arith.h\n"
      "@@ -1 +1 @@\n"
      "-inline int add(int a, int b) { return a + b; }\n"
      "+inline int add(int a, int b) { return b + a; }\n"
      "--- a/README.md\n"
      "+++ /dev/null\n"
      "@@ -1 +0,0 @@\n"
      "-# demo\n"
      "That should do it.\n";
  auto out = call("apply_patch", {{"patch", diff}});
  EXPECT_FALSE(out.is_error) << out.text;
  EXPECT_EQ(out.text,
            "Success. Updated the following files:\nM src/main.cc\nA docs/notes.md\n"
            "M src/util/math.h -> src/util/arith.h\nD README.md\n");
  EXPECT_EQ(slurp(dir_ / "src/main.cc"),
            "#include <cstdio>\n\nint main() {\n  std::puts(\"patched\");\n  return 0;\n}\n");
  EXPECT_EQ(slurp(dir_ / "docs/notes.md"), "# Notes\nfirst\n");
  EXPECT_EQ(slurp(dir_ / "src/util/arith.h"), "inline int add(int a, int b) { return b + a; }\n");
  EXPECT_FALSE(fs::exists(dir_ / "README.md"));
  // A hunk whose old lines are not in the file changes nothing, and says where it failed.
  const std::string before = slurp(dir_ / "src/main.cc");
  out = call("apply_patch", {{"patch", "--- a/src/main.cc\n+++ b/src/main.cc\n@@ -1 +1 @@\n-not there\n+x\n"}});
  EXPECT_TRUE(out.is_error);
  EXPECT_NE(out.text.find("nothing was changed"), std::string::npos) << out.text;
  EXPECT_EQ(slurp(dir_ / "src/main.cc"), before);
  EXPECT_TRUE(call("apply_patch", {{"patch", "--- a/../outside\n+++ b/../outside\n@@ -1 +1 @@\n-a\n+b\n"}}).is_error);
  // With counts in the hunk header, a removed "-- x" line (diff "--- x") and an added "++ y"
  // line (diff "+++ y") are lines of the hunk, not a file header.
  write(dir_ / "q.sql", "select 1;\n-- old note\nselect 2;\n");
  out = call("apply_patch", {{"patch", "--- a/q.sql\n+++ b/q.sql\n@@ -1,3 +1,3 @@\n select 1;\n--- old note\n+++ new note\n select 2;\n"}});
  EXPECT_FALSE(out.is_error) << out.text;
  EXPECT_EQ(slurp(dir_ / "q.sql"), "select 1;\n++ new note\nselect 2;\n");
  // Miscounted headers still take every hunk line; a context line without its space is an
  // error, never a silently partial edit.
  out = call("apply_patch", {{"patch", "--- a/q.sql\n+++ b/q.sql\n@@ -1,1 +1,1 @@\n-select 1;\n+select 10;\n ++ new note\n-select 2;\n+select 20;\n"}});
  EXPECT_FALSE(out.is_error) << out.text;
  EXPECT_EQ(slurp(dir_ / "q.sql"), "select 10;\n++ new note\nselect 20;\n");
  out = call("apply_patch", {{"patch", "--- a/q.sql\n+++ b/q.sql\n@@\n-select 10;\n+select 11;\n++ new note\nselect 20;\n+added\n"}});
  EXPECT_TRUE(out.is_error) << out.text;
  EXPECT_NE(out.text.find("leading space"), std::string::npos) << out.text;
  EXPECT_EQ(slurp(dir_ / "q.sql"), "select 10;\n++ new note\nselect 20;\n");
  EXPECT_TRUE(call("apply_patch", {{"patch", "--- a/.git/config\n+++ b/.git/config\n@@ -1 +1 @@\n-a\n+b\n"}}).is_error);
}

TEST_F(FileTools, ApplyPatchToleratesWhitespaceInContext) {
  const std::string patch =
      "*** Begin Patch\n*** Update File: src/main.cc\n@@\n int main() {   \n-    std::puts(\"hello\");\n"
      "+  std::puts(\"tolerant\");\n*** End Patch";
  auto out = call("apply_patch", {{"patch", patch}});
  EXPECT_FALSE(out.is_error) << out.text;
  EXPECT_NE(slurp(dir_ / "src/main.cc").find("tolerant"), std::string::npos);
}

TEST_F(FileTools, ApplyPatchIsAllOrNothing) {
  const std::string before_main = slurp(dir_ / "src/main.cc");
  const std::string before_readme = slurp(dir_ / "README.md");
  const std::string patch =
      "*** Begin Patch\n"
      "*** Update File: README.md\n@@\n-# Demo\n+# Changed\n"
      "*** Add File: added.txt\n+x\n"
      "*** Update File: src/main.cc\n@@\n-this line is not in the file\n+y\n"
      "*** End Patch\n";
  auto out = call("apply_patch", {{"patch", patch}});
  EXPECT_TRUE(out.is_error);
  EXPECT_NE(out.text.find("hunk 1 of src/main.cc does not match"), std::string::npos) << out.text;
  EXPECT_NE(out.text.find("nothing was changed"), std::string::npos);
  EXPECT_EQ(slurp(dir_ / "README.md"), before_readme);
  EXPECT_EQ(slurp(dir_ / "src/main.cc"), before_main);
  EXPECT_FALSE(fs::exists(dir_ / "added.txt"));
  for (const auto& entry : fs::recursive_directory_iterator(dir_.path())) {
    EXPECT_EQ(entry.path().filename().string().find(".seek-patch-"), std::string::npos) << "a temp file was left";
  }
  // Paths outside, and malformed envelopes, are refused before anything happens.
  EXPECT_TRUE(call("apply_patch", {{"patch", "*** Begin Patch\n*** Add File: escape/x\n+x\n*** End Patch"}}).is_error);
  EXPECT_TRUE(call("apply_patch", {{"patch", "*** Begin Patch\n*** Add File: .git/x\n+x\n*** End Patch"}}).is_error);
  EXPECT_TRUE(call("apply_patch", {{"patch", "*** Add File: x\n+x\n"}}).is_error);
  EXPECT_TRUE(call("apply_patch", {{"patch", "*** Begin Patch\n*** Frobnicate: x\n*** End Patch"}}).is_error);
  EXPECT_TRUE(call("apply_patch", {{"patch", "*** Begin Patch\n*** Add File: README.md\n+x\n*** End Patch"}}).is_error);
  EXPECT_FALSE(fs::exists(outside_ / "x"));
}

TEST_F(FileTools, ReadOnlyToolsSayTheyDoNotMutate) {
  for (const char* name : {"read_file", "list_dir", "glob", "grep"}) EXPECT_FALSE(registry_.find(name)->is_mutating()) << name;
  for (const char* name : {"write_file", "edit", "apply_patch"}) EXPECT_TRUE(registry_.find(name)->is_mutating()) << name;
  for (const auto& name : registry_.names()) EXPECT_EQ(registry_.find(name)->schema()["type"], "object") << name;
}

}  // namespace
}  // namespace seek::tools
