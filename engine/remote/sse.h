// Server-sent events, incrementally: bytes in, complete events' data out (the "data:" lines
// of one event joined by newlines), as the streaming Chat Completions protocol sends them.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace seek::engine {

class SseDecoder {
 public:
  /// Appends bytes; returns the data of every event they complete.
  std::vector<std::string> feed(std::string_view bytes);

 private:
  std::string line_;  // the incomplete current line
  std::string data_;  // the current event's data so far
  bool has_data_ = false;
  bool after_cr_ = false;  // the last byte was \r (a \n next belongs to it)
};

}  // namespace seek::engine
