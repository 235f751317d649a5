// A temporary directory that is removed with its contents when the object goes away.
#pragma once

#include <filesystem>
#include <string>

namespace seek::testing {

class TempDir {
 public:
  /// Creates a fresh directory under $TMPDIR (or /tmp) whose name starts with `prefix`.
  /// Paths stay short because Unix socket paths are limited to 107 bytes.
  explicit TempDir(const std::string& prefix = "seek-test-");
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::filesystem::path& path() const { return path_; }
  std::filesystem::path operator/(const std::string& name) const { return path_ / name; }

 private:
  std::filesystem::path path_;
};

}  // namespace seek::testing
