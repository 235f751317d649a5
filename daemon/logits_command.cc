// `seek logits` (see logits_command.h).
#include "daemon/logits_command.h"

#include <fmt/format.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

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

}  // namespace

int run_logits(const LogitsOptions& options) {
  if (options.mode != "prefill") {
    return fail(fmt::format("--mode {}: only prefill is implemented so far (decode and chunked prefill come with the KV state)",
                            options.mode));
  }
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
  auto logits = (*model)->prefill_logits(*tokens, options.dump_dir);
  if (!logits.ok()) return fail(logits.error().message);
  const auto done = std::chrono::steady_clock::now();
  const std::string temp = options.out + ".tmp";
  {
    std::ofstream file(temp, std::ios::binary);
    file.write(reinterpret_cast<const char*>(logits->data()), static_cast<std::streamsize>(logits->size() * sizeof(float)));
    if (!file) return fail(options.out + ": cannot write");
  }
  std::error_code ec;
  std::filesystem::rename(temp, options.out, ec);
  if (ec) return fail(options.out + ": " + ec.message());
  const double load_s = std::chrono::duration<double>(loaded - start).count();
  const double forward_s = std::chrono::duration<double>(done - loaded).count();
  std::printf("{\"mode\":\"%s\",\"tokens\":%zu,\"vocab\":%lld,\"load_s\":%.3f,\"forward_s\":%.3f,\"tokens_per_s\":%.1f}\n",
              options.mode.c_str(), tokens->size(), static_cast<long long>((*model)->config().vocab_size), load_s, forward_s,
              static_cast<double>(tokens->size()) / forward_s);
  return 0;
}

}  // namespace seek::daemon
