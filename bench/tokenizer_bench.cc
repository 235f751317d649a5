// Tokenizer throughput: MB/s of `Tokenizer::encode` on one core, cold (piece cache cleared
// before every pass) and warm (cache kept, as when a repository is re-tokenized), on a file
// given on the command line. Prints one JSON object. Run through bench/tokenizer.sh, which
// also runs the HF reference implementations on the same file in the same run.
#include <chrono>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>

#include "engine/tokenizer/tokenizer.h"

int main(int argc, char** argv) {
  if (argc < 3) {
    std::fprintf(stderr, "usage: seek_tokenizer_bench TOKENIZER_JSON TEXT_FILE [REPEAT]\n");
    return 2;
  }
  const int repeat = argc > 3 ? std::max(1, std::atoi(argv[3])) : 5;
  auto load_start = std::chrono::steady_clock::now();
  auto tokenizer = seek::engine::Tokenizer::load(argv[1]);
  const double load_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - load_start).count();
  if (!tokenizer.ok()) {
    std::fprintf(stderr, "%s\n", tokenizer.error().message.c_str());
    return 1;
  }
  std::ifstream file(argv[2], std::ios::binary);
  std::stringstream buffer;
  buffer << file.rdbuf();
  const std::string text = buffer.str();
  std::vector<seek::engine::TokenId> ids;
  const auto run = [&](bool cold) {
    double best = 1e30;
    for (int i = 0; i < repeat; ++i) {
      if (cold) tokenizer->clear_cache();
      ids.clear();
      const auto start = std::chrono::steady_clock::now();
      tokenizer->encode_into(text, ids);
      best = std::min(best, std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
    }
    return best;
  };
  const double cold = run(true);
  const double warm = run(false);
  const double mb = static_cast<double>(text.size()) / 1e6;
  std::printf(
      "{\"impl\":\"seek\",\"bytes\":%zu,\"tokens\":%zu,\"load_seconds\":%.3f,\"cold_seconds\":%.4f,"
      "\"cold_mb_per_s\":%.2f,\"warm_seconds\":%.4f,\"warm_mb_per_s\":%.2f}\n",
      text.size(), ids.size(), load_s, cold, mb / cold, warm, mb / warm);
  return 0;
}
