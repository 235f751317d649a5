// `seek logits`: runs the engine on a checkpoint and writes float32 logits for every
// position (contract in docs/engine.md).
#pragma once

#include <string>

namespace seek::daemon {

struct LogitsOptions {
  std::string model;
  std::string tokens;  // "1,2,3"
  std::string out;
  std::string mode = "prefill";
  int threads = 0;
  std::string device = "cpu";
  std::string dump_dir;
  std::string mtp_out;  // MTP block 0's logits [n_tokens - 1, vocab]; row i predicts token i + 2
};

int run_logits(const LogitsOptions& options);

}  // namespace seek::daemon
