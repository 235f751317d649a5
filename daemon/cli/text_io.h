// What the text subcommands (tokenize, detokenize, encode-chat, parse-reply) share: stdin
// read whole or by line, stdout written exactly, errors as "seek: error: ..." with exit 1.
#pragma once

#include <fmt/format.h>

#include <cstdio>
#include <iostream>
#include <iterator>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "engine/tokenizer/tokenizer.h"

namespace seek::daemon::text_io {

inline std::string read_all_stdin() {
  std::ios::sync_with_stdio(false);
  return std::string(std::istreambuf_iterator<char>(std::cin), std::istreambuf_iterator<char>());
}

inline int fail(const std::string& message) {
  std::fprintf(stderr, "seek: error: %s\n", message.c_str());
  return 1;
}

inline bool write_stdout(std::string_view bytes) {
  return std::fwrite(bytes.data(), 1, bytes.size(), stdout) == bytes.size();
}

inline void append_ids(std::string& out, const std::vector<engine::TokenId>& ids) {
  out.push_back('[');
  for (std::size_t i = 0; i < ids.size(); ++i) {
    if (i != 0) out.push_back(',');
    fmt::format_to(std::back_inserter(out), "{}", ids[i]);
  }
  out.push_back(']');
}

inline Result<engine::Tokenizer> load_tokenizer(const std::string& path) {
  if (path.empty()) return make_error(ErrorCode::kInvalidArgument, "--tokenizer FILE is required");
  return engine::Tokenizer::load(path);
}

// Calls fn(line, line_number) for each line of stdin; a final line without '\n' counts, an
// empty input has no lines. Stops at the first non-zero return.
template <class Fn>
int for_each_stdin_line(Fn&& fn) {
  std::string line;
  std::size_t number = 0;
  while (std::getline(std::cin, line)) {
    ++number;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (int rc = fn(line, number); rc != 0) return rc;
  }
  return 0;
}

}  // namespace seek::daemon::text_io
