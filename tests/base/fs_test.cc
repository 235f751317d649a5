// base/fs.h: seek's folders from the XDG variables (relative values ignored, the home as
// the fallback), and AtomicFile: the target changes only on commit, keeps its mode, and a
// dropped or failed write leaves it (and no temporary file) behind.
#include "base/fs.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "tests/support/temp_dir.h"

namespace seek {
namespace {

namespace fs = std::filesystem;

std::string read(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

// The names in `dir`, to see that no temporary file is left.
std::vector<std::string> names(const fs::path& dir) {
  std::vector<std::string> out;
  for (const auto& entry : fs::directory_iterator(dir)) out.push_back(entry.path().filename().string());
  std::sort(out.begin(), out.end());
  return out;
}

// Sets an environment variable for one scope.
class ScopedEnv {
 public:
  ScopedEnv(const char* name, const char* value) : name_(name) {
    if (const char* old = std::getenv(name)) old_ = old;
    if (value) {
      ::setenv(name, value, 1);
    } else {
      ::unsetenv(name);
    }
  }
  ~ScopedEnv() {
    if (old_) {
      ::setenv(name_, old_->c_str(), 1);
    } else {
      ::unsetenv(name_);
    }
  }

 private:
  const char* name_;
  std::optional<std::string> old_;
};

TEST(UserDir, TakesAbsoluteXdgValuesAndFallsBackToTheHome) {
  ScopedEnv home("HOME", "/home/someone");
  {
    ScopedEnv data("XDG_DATA_HOME", "/xdg/data");
    ScopedEnv cache("XDG_CACHE_HOME", "/xdg/cache");
    ScopedEnv config("XDG_CONFIG_HOME", "/xdg/config");
    EXPECT_EQ(user_dir(UserDir::kData).value(), fs::path("/xdg/data/seek"));
    EXPECT_EQ(user_dir(UserDir::kCache).value(), fs::path("/xdg/cache/seek"));
    EXPECT_EQ(user_dir(UserDir::kConfig).value(), fs::path("/xdg/config/seek"));
  }
  {
    ScopedEnv data("XDG_DATA_HOME", "relative/data");  // the XDG spec: ignored
    ScopedEnv cache("XDG_CACHE_HOME", nullptr);
    ScopedEnv config("XDG_CONFIG_HOME", "");
    EXPECT_EQ(user_dir(UserDir::kData).value(), fs::path("/home/someone/.local/share/seek"));
    EXPECT_EQ(user_dir(UserDir::kCache).value(), fs::path("/home/someone/.cache/seek"));
    EXPECT_EQ(user_dir(UserDir::kConfig).value(), fs::path("/home/someone/.config/seek"));
  }
}

TEST(RuntimeDir, IsTheXdgRuntimeFolderOrAPrivateOneInTmp) {
  {
    ScopedEnv runtime("XDG_RUNTIME_DIR", "/run/user/1000");
    EXPECT_EQ(runtime_dir(), fs::path("/run/user/1000/seek"));
  }
  ScopedEnv runtime("XDG_RUNTIME_DIR", nullptr);
  EXPECT_EQ(runtime_dir(), fs::path("/tmp/seek-" + std::to_string(::geteuid())));
}

TEST(AtomicFile, ReplacesTheTargetOnlyOnCommit) {
  testing::TempDir dir;
  const fs::path target = dir / "notes.txt";
  ASSERT_TRUE(write_file_atomically(target, "old").ok());
  auto file = AtomicFile::create(target);
  ASSERT_TRUE(file.ok());
  ASSERT_TRUE(file->write("new ").ok());
  ASSERT_TRUE(file->write("text").ok());
  EXPECT_EQ(read(target), "old");  // a reader meanwhile sees the old file, whole
  EXPECT_TRUE(is_atomic_temp_name(file->temp_path().filename().string()));
  ASSERT_TRUE(file->commit().ok());
  EXPECT_EQ(read(target), "new text");
  EXPECT_EQ(names(dir.path()), std::vector<std::string>{"notes.txt"});
  EXPECT_FALSE(file->commit().ok());  // once only
}

TEST(AtomicFile, DroppedOrFailedWritesLeaveTheTargetAndNoTemporaryFile) {
  testing::TempDir dir;
  const fs::path target = dir / "state.bin";
  ASSERT_TRUE(write_file_atomically(target, "kept").ok());
  {
    auto file = AtomicFile::create(target);
    ASSERT_TRUE(file.ok());
    ASSERT_TRUE(file->write("half").ok());
  }  // dropped: a writer that returned early
  EXPECT_EQ(read(target), "kept");
  EXPECT_EQ(names(dir.path()), std::vector<std::string>{"state.bin"});

  // The target's folder is gone by commit time: the rename fails, nothing is left behind.
  const fs::path sub = dir / "sub";
  fs::create_directory(sub);
  auto file = AtomicFile::create(sub / "x");
  ASSERT_TRUE(file.ok());
  ASSERT_TRUE(file->write("data").ok());
  ASSERT_TRUE(file->sync().ok());
  fs::rename(file->temp_path(), dir / "moved-away");  // the staged file vanished under us
  const Status committed = file->commit();
  EXPECT_FALSE(committed.ok());
  EXPECT_NE(committed.error().message.find("cannot replace"), std::string::npos) << committed.error().message;
  EXPECT_FALSE(fs::exists(sub / "x"));

  EXPECT_FALSE(AtomicFile::create(dir / "no" / "such" / "folder").ok());
}

TEST(AtomicFile, KeepsTheModeOfTheFileItReplaces) {
  testing::TempDir dir;
  const fs::path target = dir / "script.sh";
  ASSERT_TRUE(write_file_atomically(target, "#!/bin/sh\n").ok());
  ASSERT_EQ(::chmod(target.c_str(), 0751), 0);
  ASSERT_TRUE(write_file_atomically(target, "#!/bin/sh\nexit 0\n").ok());
  struct stat st{};
  ASSERT_EQ(::stat(target.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 07777, 0751u);
  ASSERT_TRUE(write_file_atomically(dir / "secret", "k", 0600).ok());
  ASSERT_EQ(::stat((dir / "secret").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 07777, 0600u);
}

}  // namespace
}  // namespace seek
