// `seek model init`: writes a random-weight checkpoint in the official layout.
#pragma once

#include <cstdint>
#include <string>

namespace seek::daemon {

struct ModelInitOptions {
  std::string preset;  // tiny | small
  std::uint64_t seed = 0;
  std::string out;
  int shards = 2;
};

/// Returns the exit code (0, or 1 with a message on stderr).
int run_model_init(const ModelInitOptions& options);

/// The directory with the V4 tokenizer.json: $SEEK_TOKENIZER_DIR, else share/seek next to
/// the seek binary (where the build puts it). Empty when neither holds one.
std::string find_tokenizer_dir();

}  // namespace seek::daemon
