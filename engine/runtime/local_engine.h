// LocalEngine: the Backend on the V4 model in this process. Greedy decoding; the prompt runs
// in 32-token chunks (so a cancel lands fast) laid out as one prefill (bit-identical), from
// the deepest cached prefix state: snapshots of the ModelState taken at 128-token boundaries
// of the last prompt (compressed pages shared, so a snapshot costs the window ring and the
// compressor tails). Whole answers are also cached by exact request.
#pragma once

#include <list>
#include <memory>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "engine/model/deepseek_v4.h"
#include "engine/runtime/backend.h"

namespace seek::engine {

class LocalEngine final : public Backend {
 public:
  /// Loads the checkpoint in `model_dir` and the tokenizer.json beside it.
  static Result<std::unique_ptr<LocalEngine>> load(const std::string& model_dir);

  std::string name() const override { return "local-engine"; }
  Result<GenerateStats> submit(const GenerateRequest& request, FunctionRef<void(const GenerateEvent&)> sink,
                               const std::atomic<bool>& cancel) override;
  const Tokenizer& tokenizer() const override { return tokenizer_; }
  const DeepseekV4& model() const { return *model_; }

 private:
  LocalEngine(std::unique_ptr<DeepseekV4> model, Tokenizer tokenizer);
  void remember(const ModelState& state);

  std::unique_ptr<DeepseekV4> model_;
  Tokenizer tokenizer_;
  TokenId eos_ = -1;
  std::mutex mutex_;  // one request at a time on the model
  std::vector<std::int32_t> cached_ids_;  // the last prompt
  std::vector<ModelState> snapshots_;     // ascending positions, all on cached_ids_
  struct Answer {
    std::string key;
    std::vector<TokenId> tokens;
    std::string finish;
  };
  std::list<Answer> answers_;  // most recent first
};

}  // namespace seek::engine
