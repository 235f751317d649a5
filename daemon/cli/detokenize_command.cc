// `seek detokenize` (contract in docs/tokenizer-and-chat.md): a JSON array of ids in, exactly
// the decoded bytes out. With --jsonl, one id array per input line and one JSON string per
// output line.
#include <cstdint>

#include <nlohmann/json.hpp>

#include "daemon/cli/commands.h"
#include "daemon/cli/text_io.h"

namespace seek::daemon {
namespace {

using namespace text_io;
using engine::TokenId;
using Json = nlohmann::json;

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

}  // namespace

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
