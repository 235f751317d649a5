// Where tests find the source tree's data and the files the build generates.
#pragma once

#include <string>

namespace seek::testing {

/// An absolute path under tests/data/ of the source tree.
std::string test_data_path(const std::string& relative);

/// The V4 tokenizer.json the build generates (build/share/seek/tokenizer.json).
std::string v4_tokenizer_path();

/// Reads a whole file; fails the current test (and returns "") when it cannot.
std::string read_test_file(const std::string& path);

}  // namespace seek::testing
