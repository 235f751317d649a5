// The repository block's layout on a real repository (seek's own tree, for the issue 13
// figures): files, tokens, the padding's share, what was skipped or left out, and the time
// to read the state and lay it out. Prints one JSON object.
//   seek_repo_block_bench TOKENIZER_JSON REPO [MAX_TOKENS]
#include <chrono>
#include <cstdio>
#include <cstdlib>

#include <nlohmann/json.hpp>

#include "agent/repo_block.h"

int main(int argc, char** argv) {
  if (argc < 3) {
    std::fprintf(stderr, "usage: seek_repo_block_bench TOKENIZER_JSON REPO [MAX_TOKENS]\n");
    return 2;
  }
  auto tokenizer = seek::engine::Tokenizer::load(argv[1]);
  if (!tokenizer.ok()) {
    std::fprintf(stderr, "%s\n", tokenizer.error().message.c_str());
    return 1;
  }
  const auto start = std::chrono::steady_clock::now();
  auto state = seek::tools::RepoState::read(argv[2]);
  if (!state.ok()) {
    std::fprintf(stderr, "%s\n", state.error().message.c_str());
    return 1;
  }
  const auto read = std::chrono::steady_clock::now();
  seek::agent::RepoBlockOptions options;
  if (argc > 3) options.max_tokens = std::atoll(argv[3]);
  auto block = seek::agent::build_repo_block(*state, *tokenizer, options);
  if (!block.ok()) {
    std::fprintf(stderr, "%s\n", block.error().message.c_str());
    return 1;
  }
  const auto done = std::chrono::steady_clock::now();
  std::int64_t padding = 0;
  for (const auto& part : block->parts) padding += part.padding;
  const nlohmann::json out = {
      {"files", block->files},
      {"tokens", block->tokens.size()},
      {"stable_tokens", block->stable_tokens},
      {"working_set_tokens", block->working_set_tokens},
      {"padding_share", block->tokens.empty() ? 0.0 : static_cast<double>(padding) / static_cast<double>(block->tokens.size())},
      {"skipped", block->skipped},
      {"left_out", block->left_out.size()},
      {"read_state_s", std::chrono::duration<double>(read - start).count()},
      {"layout_s", std::chrono::duration<double>(done - read).count()},
  };
  std::printf("%s\n", out.dump().c_str());
  return 0;
}
