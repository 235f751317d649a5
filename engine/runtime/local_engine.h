// LocalEngine: the TokenGenerator on the V4 model in this process. Greedy decoding; the prompt runs
// in 32-token chunks (so a cancel lands fast) laid out as one prefill (bit-identical), from
// the deepest cached prefix state: snapshots of the ModelState taken at 128-token boundaries
// of the last prompt (compressed pages shared, so a snapshot costs the window ring and the
// compressor tails). Whole answers are also cached by exact request.
#pragma once

#include <filesystem>
#include <list>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "engine/model/deepseek_v4.h"
#include "engine/runtime/token_generator.h"
#include "engine/kv/kv_store.h"

namespace seek::engine {

class LocalEngine final : public TokenGenerator {
 public:
  /// Loads the checkpoint in `model_dir` and the tokenizer.json beside it.
  static Result<std::unique_ptr<LocalEngine>> load(const std::string& model_dir);

  std::string name() const override { return "local-engine"; }
  Result<GenerateStats> submit(const GenerateRequest& request, FunctionRef<void(const GenerateEvent&)> sink,
                               const std::atomic<bool>& cancel) override;
  const Tokenizer& tokenizer() const override { return tokenizer_; }
  const DeepseekV4& model() const { return *model_; }

  /// Keeps prefix states on disk too (kv_store.h): a prompt whose prefix was computed before,
  /// in this process or an earlier one, starts from there.
  Status enable_kv_store(const std::filesystem::path& dir, std::uint64_t max_bytes);
  /// The same from settings; nullopt leaves the store off. A store that cannot be opened
  /// leaves it off too (the engine works without it).
  void enable_kv_store(const std::optional<KvStoreSettings>& settings);
  KvStore* kv_store() { return store_.get(); }

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
  std::unique_ptr<KvStore> store_;
  ModelState store_shape_;  // a fresh state: what a stored one must match (built once)
  std::string model_dir_;
};

}  // namespace seek::engine
