// Test data locations (see paths.h); the directories are baked in by CMake.
#include "tests/support/paths.h"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

namespace seek::testing {

std::string test_data_path(const std::string& relative) { return std::string(SEEK_SOURCE_DIR) + "/tests/data/" + relative; }

std::string v4_tokenizer_path() { return SEEK_V4_TOKENIZER_PATH; }

std::string read_test_file(const std::string& path) {
  std::ifstream file(path, std::ios::binary);
  if (!file) {
    ADD_FAILURE() << "cannot open " << path;
    return {};
  }
  std::stringstream buffer;
  buffer << file.rdbuf();
  return buffer.str();
}

}  // namespace seek::testing
