// `seek tokenize` and `seek detokenize` (contracts in docs/cli.md): stdin is read verbatim,
// no BOS is added, detokenize writes exactly the decoded bytes. With --jsonl, one JSON value
// per input line and one result per output line, so thousands of items cost one start.
#include <fmt/format.h>
#include <unistd.h>

#include <cstdio>
#include <iostream>
#include <iterator>
#include <nlohmann/json.hpp>
#include <string>

#include "daemon/text_commands.h"
#include "engine/model/tokenizer.h"

namespace seek::daemon {
namespace {

using engine::TokenId;
using engine::Tokenizer;
using Json = nlohmann::json;

std::string read_all_stdin() {
  std::ios::sync_with_stdio(false);
  return std::string(std::istreambuf_iterator<char>(std::cin), std::istreambuf_iterator<char>());
}

int fail(const std::string& message) {
  std::fprintf(stderr, "seek: error: %s\n", message.c_str());
  return 1;
}

bool write_stdout(std::string_view bytes) {
  return std::fwrite(bytes.data(), 1, bytes.size(), stdout) == bytes.size();
}

void append_ids(std::string& out, const std::vector<TokenId>& ids) {
  out.push_back('[');
  for (std::size_t i = 0; i < ids.size(); ++i) {
    if (i != 0) out.push_back(',');
    fmt::format_to(std::back_inserter(out), "{}", ids[i]);
  }
  out.push_back(']');
}

// Parses a JSON array of token ids; the error says what is wrong and where.
Result<std::vector<TokenId>> parse_ids(std::string_view text, const std::string& where) {
  Json value = Json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (value.is_discarded()) return make_error(ErrorCode::kInvalidArgument, where + ": not valid JSON");
  if (!value.is_array()) return make_error(ErrorCode::kInvalidArgument, where + ": expected a JSON array of token ids");
  std::vector<TokenId> ids;
  ids.reserve(value.size());
  for (std::size_t i = 0; i < value.size(); ++i) {
    const Json& item = value[i];
    if (!item.is_number_integer() || item.get<std::int64_t>() < 0 || item.get<std::int64_t>() > INT32_MAX) {
      return make_error(ErrorCode::kInvalidArgument,
                        fmt::format("{}: element {} ({}) is not a token id", where, i, item.dump()));
    }
    ids.push_back(item.get<TokenId>());
  }
  return ids;
}

Result<Tokenizer> load_tokenizer(const std::string& path) {
  if (path.empty()) return make_error(ErrorCode::kInvalidArgument, "--tokenizer FILE is required");
  return Tokenizer::load(path);
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

}  // namespace

int run_tokenize(const TokenizeOptions& options) {
  auto tokenizer = load_tokenizer(options.tokenizer_path);
  if (!tokenizer.ok()) return fail(tokenizer.error().message);
  std::string out;
  std::vector<TokenId> ids;
  if (!options.jsonl) {
    ids = tokenizer->encode(read_all_stdin());
    append_ids(out, ids);
    out.push_back('\n');
    return write_stdout(out) ? 0 : fail("cannot write to stdout");
  }
  std::ios::sync_with_stdio(false);
  const int rc = for_each_stdin_line([&](const std::string& line, std::size_t number) {
    Json value = Json::parse(line, nullptr, /*allow_exceptions=*/false);
    if (value.is_discarded() || !value.is_string()) {
      return fail(fmt::format("stdin line {}: expected one JSON string per line", number));
    }
    ids.clear();
    tokenizer->encode_into(value.get_ref<const std::string&>(), ids);
    out.clear();
    append_ids(out, ids);
    out.push_back('\n');
    return write_stdout(out) ? 0 : fail("cannot write to stdout");
  });
  std::fflush(stdout);
  return rc;
}

int run_detokenize(const TokenizeOptions& options) {
  auto tokenizer = load_tokenizer(options.tokenizer_path);
  if (!tokenizer.ok()) return fail(tokenizer.error().message);
  if (!options.jsonl) {
    auto ids = parse_ids(read_all_stdin(), "stdin");
    if (!ids.ok()) return fail(ids.error().message);
    auto text = tokenizer->decode(*ids);
    if (!text.ok()) return fail(text.error().message);
    return write_stdout(*text) ? 0 : fail("cannot write to stdout");
  }
  std::ios::sync_with_stdio(false);
  const int rc = for_each_stdin_line([&](const std::string& line, std::size_t number) {
    auto ids = parse_ids(line, fmt::format("stdin line {}", number));
    if (!ids.ok()) return fail(ids.error().message);
    auto text = tokenizer->decode(*ids);
    if (!text.ok()) return fail(fmt::format("stdin line {}: {}", number, text.error().message));
    // JSON strings hold text: bytes that are not UTF-8 become U+FFFD, one per byte.
    std::string out = Json(*text).dump(-1, ' ', false, Json::error_handler_t::replace);
    out.push_back('\n');
    return write_stdout(out) ? 0 : fail("cannot write to stdout");
  });
  std::fflush(stdout);
  return rc;
}

}  // namespace seek::daemon
