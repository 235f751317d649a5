// `seek logits` (see commands.h).
#include "daemon/cli/commands.h"

#include <fmt/format.h>
#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include "base/fs.h"
#include "engine/model/deepseek_v4.h"

namespace seek::daemon {
namespace {

int fail(const std::string& message) {
  std::fprintf(stderr, "seek logits: %s\n", message.c_str());
  return 1;
}

Result<std::vector<std::int32_t>> parse_tokens(const std::string& text) {
  std::vector<std::int32_t> tokens;
  std::size_t start = 0;
  while (start <= text.size()) {
    const std::size_t comma = text.find(',', start);
    const std::string item = text.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
    char* end = nullptr;
    const long long value = std::strtoll(item.c_str(), &end, 10);
    if (item.empty() || *end != '\0' || value < 0 || value > INT32_MAX) {
      return make_error(ErrorCode::kInvalidArgument, fmt::format("--tokens: '{}' is not a token id", item));
    }
    tokens.push_back(static_cast<std::int32_t>(value));
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  return tokens;
}

// The chunk size a --mode asks for: 0 = the whole prompt at once.
Result<std::int64_t> parse_mode(const std::string& mode) {
  if (mode == "prefill") return std::int64_t{0};
  if (mode == "decode") return std::int64_t{1};
  const std::string prefix = "chunked:";
  if (mode.rfind(prefix, 0) == 0) {
    const std::string number = mode.substr(prefix.size());
    char* end = nullptr;
    const long long n = std::strtoll(number.c_str(), &end, 10);
    if (!number.empty() && *end == '\0' && n >= 1 && n <= (1LL << 30)) return static_cast<std::int64_t>(n);
  }
  return make_error(ErrorCode::kInvalidArgument,
                    fmt::format("--mode {}: expected prefill, decode or chunked:N with N >= 1", mode));
}

}  // namespace

int run_logits(const LogitsOptions& options) {
  auto chunk = parse_mode(options.mode);
  if (!chunk.ok()) return fail(chunk.error().message);
  if (options.device != "cpu") return fail(fmt::format("--device {}: only the CPU path runs the whole model so far", options.device));
  if (options.threads > 0) setenv("SEEK_THREADS", std::to_string(options.threads).c_str(), 1);
  auto tokens = parse_tokens(options.tokens);
  if (!tokens.ok()) return fail(tokens.error().message);
  const auto start = std::chrono::steady_clock::now();
  auto model = engine::DeepseekV4::load(options.model);
  if (!model.ok()) return fail(model.error().message);
  const auto loaded = std::chrono::steady_clock::now();
  if (!options.dump_dir.empty()) {
    std::error_code ec;
    std::filesystem::create_directories(options.dump_dir, ec);
    if (ec) return fail(options.dump_dir + ": " + ec.message());
  }
  // Rows go straight to a temp file chunk by chunk (a long decode never holds them all),
  // which replaces --out only when every position ran.
  auto file = AtomicFile::create(options.out);
  if (!file.ok()) return fail(file.error().message);
  engine::ModelState state = (*model)->new_state();
  const auto n = static_cast<std::int64_t>(tokens->size());
  // Chunks of one prompt reproduce its one-call prefill; decode steps are official decode.
  if (*chunk > 1) state.prompt_length = n;
  const std::int64_t step = *chunk == 0 ? n : *chunk, vocab = (*model)->config().vocab_size;
  const bool mtp = !options.mtp_out.empty();
  if (mtp && (*model)->config().n_mtp_layers == 0) return fail("--mtp: this checkpoint has no MTP block");
  if (mtp && n < 2) return fail("--mtp needs at least two tokens");
  std::vector<float> streams, part_streams;  // the main model's final streams, for MTP
  for (std::int64_t begin = 0; begin < n; begin += step) {
    const std::vector<std::int32_t> part(tokens->begin() + begin, tokens->begin() + std::min(n, begin + step));
    const Status ran = (*model)->forward_rows(
        part, state, options.dump_dir,
        [&](const float* rows, std::int64_t count) {
          return file->write(rows, static_cast<std::size_t>(count * vocab) * sizeof(float));
        },
        mtp ? &part_streams : nullptr);
    if (!ran.ok()) return fail(ran.error().message);  // --out is left as it was
    streams.insert(streams.end(), part_streams.begin(), part_streams.end());
  }
  if (mtp) {
    // One MTP call over positions 0..n-2, each with the token that followed it.
    const std::int64_t width = (*model)->config().hc_mult * (*model)->config().dim;
    streams.resize(static_cast<std::size_t>((n - 1) * width));
    const std::vector<std::int32_t> next(tokens->begin() + 1, tokens->end());
    auto mtp_file = AtomicFile::create(options.mtp_out);
    if (!mtp_file.ok()) return fail(mtp_file.error().message);
    Status ran = (*model)->mtp_rows(streams, next, 0, state, 0, [&](const float* rows, std::int64_t count) {
      return mtp_file->write(rows, static_cast<std::size_t>(count * vocab) * sizeof(float));
    });
    if (ran.ok()) ran = mtp_file->commit();
    if (!ran.ok()) return fail(ran.error().message);
  }
  const auto done = std::chrono::steady_clock::now();
  if (Status committed = file->commit(); !committed.ok()) return fail(committed.error().message);
  const double load_s = std::chrono::duration<double>(loaded - start).count();
  const double forward_s = std::chrono::duration<double>(done - loaded).count();
  // Peak RSS next to the mapped checkpoint size shows there is no widened copy of the model.
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  std::printf(
      "{\"mode\":\"%s\",\"tokens\":%zu,\"vocab\":%lld,\"load_s\":%.3f,\"forward_s\":%.3f,\"tokens_per_s\":%.1f,"
      "\"weights_mb\":%.1f,\"peak_rss_mb\":%.1f}\n",
      options.mode.c_str(), tokens->size(), static_cast<long long>((*model)->config().vocab_size), load_s, forward_s,
      static_cast<double>(tokens->size()) / forward_s,
      static_cast<double>((*model)->weights().checkpoint().mapped_bytes()) / 1e6, static_cast<double>(usage.ru_maxrss) / 1e3);
  return 0;
}

}  // namespace seek::daemon
