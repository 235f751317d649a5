// SSE decoding (see sse.h): lines end at \n, \r\n or \r; a blank line ends an event; lines
// starting with ':' are comments (keep-alives); fields other than data are ignored.
#include "engine/remote/sse.h"

namespace seek::engine {

std::vector<std::string> SseDecoder::feed(std::string_view bytes) {
  std::vector<std::string> events;
  for (char c : bytes) {
    const bool crlf_tail = c == '\n' && after_cr_;
    after_cr_ = c == '\r';
    if (crlf_tail) continue;  // the \n of a \r\n already ended its line
    if (c != '\n' && c != '\r') {
      line_ += c;
      continue;
    }
    if (line_.empty()) {  // blank line: dispatch
      if (has_data_) events.push_back(std::move(data_));
      data_.clear();
      has_data_ = false;
      continue;
    }
    if (line_.rfind("data:", 0) == 0) {
      std::string_view value = std::string_view(line_).substr(5);
      if (!value.empty() && value.front() == ' ') value.remove_prefix(1);
      if (has_data_) data_ += '\n';
      data_ += value;
      has_data_ = true;
    }
    line_.clear();
  }
  return events;
}

}  // namespace seek::engine
