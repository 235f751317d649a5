// `seek tokenize` (contract in docs/tokenizer-and-chat.md): stdin is read verbatim, no BOS
// is added. With --jsonl, one JSON string per input line and one id array per output line,
// so thousands of items cost one start.
#include <nlohmann/json.hpp>

#include "daemon/cli/commands.h"
#include "daemon/cli/text_io.h"

namespace seek::daemon {

using namespace text_io;
using engine::TokenId;
using Json = nlohmann::json;

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

}  // namespace seek::daemon
