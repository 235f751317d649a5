// The local-engine completion backend: a FIM prompt, prefilled from the longest cached
// prefix state, then greedy decoding. Prefix states are snapshots of the ModelState taken at
// 128-token boundaries of the last prompt (compressed pages shared, so a snapshot costs the
// window ring and compressor tails); a keystroke near the end of an 8K-token prompt then
// recomputes only the tokens from the last boundary before the edit. Answers are also kept
// in a small cache keyed by the exact prompt.
#include <algorithm>
#include <filesystem>
#include <list>
#include <string>
#include <utility>

#include "agent/completion_service.h"
#include "engine/model/fim.h"

namespace seek::agent {
namespace {

constexpr std::int64_t kSnapshotEvery = 128;  // the compressed-KV page size
constexpr std::size_t kMaxSnapshots = 32;
constexpr std::size_t kCachedAnswers = 32;
constexpr std::size_t kChunk = 32;  // prefill granularity: how soon a cancel lands

class EngineBackend final : public CompletionBackend {
 public:
  EngineBackend(std::unique_ptr<engine::DeepseekV4> model, engine::Tokenizer tokenizer)
      : model_(std::move(model)), tokenizer_(std::move(tokenizer)) {
    eos_ = tokenizer_.token_to_id("<｜end▁of▁sentence｜>").value_or(-1);
  }
  std::string name() const override { return "local-engine"; }

  Result<Generation> generate(const CompletionRequest& r, const std::atomic<bool>& cancel) override {
    const auto deadline = std::chrono::steady_clock::now() + r.time_limit;
    engine::FimRequest fim;
    fim.prefix = stable_prefix(r.prefix);
    fim.suffix = r.suffix;
    for (const ContextFile& f : r.context) fim.context.push_back({f.path, f.text});
    fim.max_prefix_tokens = 6144;  // a hard cap; stable_prefix keeps it far below, usually
    fim.max_context_tokens = 8192;
    SEEK_ASSIGN_OR_RETURN(engine::FimPrompt prompt, engine::build_fim_prompt(tokenizer_, fim));
    const std::vector<std::int32_t> ids(prompt.ids.begin(), prompt.ids.end());
    Generation g;
    g.prompt_tokens = static_cast<std::int64_t>(ids.size());

    const std::string key = answer_key(ids, r);
    if (auto hit = std::find_if(answers_.begin(), answers_.end(), [&](const auto& a) { return a.first == key; });
        hit != answers_.end()) {
      g.text = hit->second;
      g.from_cache = true;
      g.reused_tokens = g.prompt_tokens;
      answers_.splice(answers_.begin(), answers_, hit);
      return g;
    }

    // Start from the deepest snapshot on the common prefix, leaving at least one token to
    // run (its logits pick the first generated token).
    const std::size_t common = static_cast<std::size_t>(
        std::mismatch(ids.begin(), ids.end(), cached_ids_.begin(), cached_ids_.end()).first - ids.begin());
    std::erase_if(snapshots_, [&](const engine::ModelState& s) { return static_cast<std::size_t>(s.position) > common; });
    engine::ModelState state = model_->new_state();
    for (auto it = snapshots_.rbegin(); it != snapshots_.rend(); ++it) {
      if (static_cast<std::size_t>(it->position) < ids.size()) {
        state = *it;
        break;
      }
    }
    g.reused_tokens = state.position;
    state.prompt_length = static_cast<std::int64_t>(ids.size());
    cached_ids_ = ids;  // snapshots taken below lie on this prompt's path

    const std::int64_t vocab = model_->config().vocab_size;
    std::int32_t next = -1;
    const auto pick = [&](const float* rows, std::int64_t n) {  // greedy: arg-max of the last row
      const float* last = rows + (n - 1) * vocab;
      next = static_cast<std::int32_t>(std::max_element(last, last + vocab) - last);
      return ok_status();
    };
    std::vector<std::int32_t> chunk;
    for (auto begin = static_cast<std::size_t>(state.position); begin < ids.size();) {
      if (cancel.load()) {
        g.cancelled = true;
        return g;
      }
      const std::size_t end = std::min({ids.size(), begin + kChunk, (begin / kSnapshotEvery + 1) * kSnapshotEvery});
      chunk.assign(ids.begin() + static_cast<std::ptrdiff_t>(begin), ids.begin() + static_cast<std::ptrdiff_t>(end));
      SEEK_RETURN_IF_ERROR(model_->forward_rows(chunk, state, {}, pick));
      if (end % kSnapshotEvery == 0 && end < ids.size()) remember(state);
      begin = end;
    }

    for (int i = 0; i < r.max_tokens; ++i) {
      if (cancel.load()) {
        g.cancelled = true;
        return g;
      }
      if (next == eos_ || std::chrono::steady_clock::now() > deadline) break;
      ++g.tokens;
      // Control tokens and ids the tokenizer lacks (padding rows of the head, which a random
      // model does pick) add no text.
      if (!tokenizer_.is_special(next)) g.text += tokenizer_.token_bytes(next);
      if (!r.multiline && g.text.find('\n') != std::string::npos) break;
      std::vector<std::int32_t> one{next};
      SEEK_RETURN_IF_ERROR(model_->forward_rows(one, state, {}, pick));
    }
    answers_.emplace_front(key, g.text);
    if (answers_.size() > kCachedAnswers) answers_.pop_back();
    return g;
  }

 private:
  // The prefix from a line that moves only every kAnchorLines lines, kLookBackLines or more
  // above the cursor. A prefix cut by token budget alone would shift by a line on every
  // keystroke once the file is long, and every token after the cut would change: the cached
  // prefix states would be useless exactly when they matter.
  static std::string_view stable_prefix(std::string_view prefix) {
    constexpr std::int64_t kAnchorLines = 64, kLookBackLines = 96;
    const auto cursor_line = static_cast<std::int64_t>(std::count(prefix.begin(), prefix.end(), '\n'));
    const std::int64_t first = std::max<std::int64_t>(0, cursor_line - kLookBackLines) / kAnchorLines * kAnchorLines;
    std::size_t at = 0;
    for (std::int64_t line = 0; line < first; ++line) at = prefix.find('\n', at) + 1;
    return prefix.substr(at);
  }

  static std::string answer_key(const std::vector<std::int32_t>& ids, const CompletionRequest& r) {
    std::string key(reinterpret_cast<const char*>(ids.data()), ids.size() * sizeof(std::int32_t));
    key += r.multiline ? 'm' : 's';
    key += std::to_string(r.max_tokens);
    return key;
  }

  void remember(const engine::ModelState& state) {
    snapshots_.push_back(state);
    if (snapshots_.size() > kMaxSnapshots) {
      // Thin the older half (every other one), keeping the recent boundaries dense: edits
      // happen near the cursor, and the cursor moves less often than it types.
      std::vector<engine::ModelState> kept;
      for (std::size_t i = 0; i < snapshots_.size(); ++i) {
        if (i >= snapshots_.size() / 2 || i % 2 == 1) kept.push_back(std::move(snapshots_[i]));
      }
      snapshots_ = std::move(kept);
    }
  }

  std::unique_ptr<engine::DeepseekV4> model_;
  engine::Tokenizer tokenizer_;
  engine::TokenId eos_ = -1;
  std::vector<std::int32_t> cached_ids_;
  std::vector<engine::ModelState> snapshots_;  // ascending positions, all on cached_ids_
  std::list<std::pair<std::string, std::string>> answers_;  // most recent first
};

}  // namespace

Result<std::unique_ptr<CompletionBackend>> make_engine_backend(const std::string& model_dir) {
  const std::string tokenizer_path = (std::filesystem::path(model_dir) / "tokenizer.json").string();
  SEEK_ASSIGN_OR_RETURN(engine::Tokenizer tokenizer, engine::Tokenizer::load(tokenizer_path));
  SEEK_ASSIGN_OR_RETURN(std::unique_ptr<engine::DeepseekV4> model, engine::DeepseekV4::load(model_dir));
  return std::unique_ptr<CompletionBackend>(std::make_unique<EngineBackend>(std::move(model), std::move(tokenizer)));
}

}  // namespace seek::agent
