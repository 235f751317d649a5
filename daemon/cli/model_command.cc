// `seek model init` (see commands.h).
#include "daemon/cli/commands.h"

#include <fmt/format.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>

#include "daemon/backend_choice.h"
#include "engine/checkpoint/presets.h"
#include "engine/checkpoint/random_checkpoint.h"

namespace seek::daemon {

namespace fs = std::filesystem;

int run_model_init(const ModelInitOptions& options) {
  auto config = engine::preset_config(options.preset);
  if (!config.ok()) {
    std::fprintf(stderr, "seek: error: %s\n", config.error().message.c_str());
    return 1;
  }
  engine::RandomCheckpointOptions write;
  write.seed = options.seed;
  write.shards = options.shards;
  write.tokenizer_dir = find_tokenizer_dir();
  if (write.tokenizer_dir.empty()) {
    std::fprintf(stderr,
                 "seek: error: the V4 tokenizer.json was not found next to seek (share/seek) and SEEK_TOKENIZER_DIR "
                 "is not set; build seek (it generates build/share/seek/tokenizer.json)\n");
    return 1;
  }
  const auto start = std::chrono::steady_clock::now();
  if (Status s = engine::write_random_checkpoint(*config, options.out, write); !s.ok()) {
    std::fprintf(stderr, "seek: error: %s\n", s.error().message.c_str());
    return 1;
  }
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::printf("{\"preset\":\"%s\",\"seed\":%llu,\"out\":\"%s\",\"seconds\":%.2f}\n", options.preset.c_str(),
              static_cast<unsigned long long>(options.seed), options.out.c_str(), seconds);
  return 0;
}

}  // namespace seek::daemon
