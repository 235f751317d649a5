// LocalEngine (see local_engine.h).
#include "engine/runtime/local_engine.h"

#include <algorithm>
#include <filesystem>

namespace seek::engine {
namespace {

constexpr std::int64_t kSnapshotEvery = 128;  // the compressed-KV page size
constexpr std::size_t kMaxSnapshots = 32;
constexpr std::size_t kCachedAnswers = 32;
constexpr std::size_t kChunk = 32;  // prefill granularity: how soon a cancel lands
constexpr std::int64_t kPersistFrom = 512;  // shorter prefixes are cheaper to recompute than to store

std::string answer_key(const GenerateRequest& r) {
  std::string key(reinterpret_cast<const char*>(r.prompt.data()), r.prompt.size() * sizeof(TokenId));
  key += '\0' + r.stop_text + '\0' + std::to_string(r.max_tokens);
  return key;
}

}  // namespace

LocalEngine::LocalEngine(std::unique_ptr<DeepseekV4> model, Tokenizer tokenizer)
    : model_(std::move(model)), tokenizer_(std::move(tokenizer)) {
  eos_ = tokenizer_.token_to_id("<｜end▁of▁sentence｜>").value_or(-1);
}

Result<std::unique_ptr<LocalEngine>> LocalEngine::load(const std::string& model_dir) {
  const std::string tokenizer_path = (std::filesystem::path(model_dir) / "tokenizer.json").string();
  SEEK_ASSIGN_OR_RETURN(Tokenizer tokenizer, Tokenizer::load(tokenizer_path));
  SEEK_ASSIGN_OR_RETURN(std::unique_ptr<DeepseekV4> model, DeepseekV4::load(model_dir));
  std::unique_ptr<LocalEngine> engine(new LocalEngine(std::move(model), std::move(tokenizer)));
  engine->model_dir_ = model_dir;
  return engine;
}

Status LocalEngine::enable_kv_store(const std::filesystem::path& dir, std::uint64_t max_bytes) {
  SEEK_ASSIGN_OR_RETURN(std::uint64_t fingerprint, checkpoint_fingerprint(model_dir_));
  std::lock_guard lock(mutex_);
  store_ = std::make_unique<KvStore>(dir, fingerprint, max_bytes);
  store_shape_ = model_->new_state();
  return ok_status();
}

void LocalEngine::enable_kv_store(const std::optional<KvStoreSettings>& settings) {
  if (settings) (void)enable_kv_store(settings->dir, settings->max_bytes);
}

void LocalEngine::remember(const ModelState& state) {
  snapshots_.push_back(state);
  if (snapshots_.size() > kMaxSnapshots) {
    // Thin the older half (every other one), keeping the recent boundaries dense: edits
    // happen near the cursor, and the cursor moves less often than it types.
    std::vector<ModelState> kept;
    for (std::size_t i = 0; i < snapshots_.size(); ++i) {
      if (i >= snapshots_.size() / 2 || i % 2 == 1) kept.push_back(std::move(snapshots_[i]));
    }
    snapshots_ = std::move(kept);
  }
}

Result<GenerateStats> LocalEngine::submit(const GenerateRequest& r, FunctionRef<void(const GenerateEvent&)> sink,
                                          const std::atomic<bool>& cancel) {
  std::lock_guard lock(mutex_);
  GenerateStats stats;
  stats.prompt_tokens = static_cast<std::int64_t>(r.prompt.size());
  if (r.prompt.empty()) return make_error(ErrorCode::kInvalidArgument, "empty prompt");
  const auto emit = [&](TokenId id) {
    const std::string_view text = tokenizer_.is_special(id) ? std::string_view() : tokenizer_.token_bytes(id);
    sink(GenerateEvent{GenerateEvent::Kind::kToken, id, text});
  };

  const std::string key = answer_key(r);
  if (auto hit = std::find_if(answers_.begin(), answers_.end(), [&](const Answer& a) { return a.key == key; });
      hit != answers_.end()) {
    for (TokenId id : hit->tokens) emit(id);
    stats.generated = static_cast<int>(hit->tokens.size());
    stats.from_cache = true;
    stats.reused_tokens = stats.prompt_tokens;
    stats.finish = hit->finish;
    answers_.splice(answers_.begin(), answers_, hit);
    sink(GenerateEvent{GenerateEvent::Kind::kDone, -1, {}});
    return stats;
  }

  // Start from the deepest snapshot on the common prefix, leaving at least one token to
  // run (its logits pick the first generated token).
  const std::vector<std::int32_t>& ids = r.prompt;
  const std::size_t common = static_cast<std::size_t>(
      std::mismatch(ids.begin(), ids.end(), cached_ids_.begin(), cached_ids_.end()).first - ids.begin());
  std::erase_if(snapshots_, [&](const ModelState& s) { return static_cast<std::size_t>(s.position) > common; });
  ModelState state = model_->new_state();
  for (auto it = snapshots_.rbegin(); it != snapshots_.rend(); ++it) {
    if (static_cast<std::size_t>(it->position) < ids.size()) {
      state = *it;
      break;
    }
  }
  cached_ids_ = ids;  // snapshots taken below lie on this prompt's path
  if (store_ && state.position + kSnapshotEvery < static_cast<std::int64_t>(ids.size())) {
    // A deeper prefix computed earlier (by this process or another) is on disk.
    // Boundaries below the window would restore a ring laid out for another prompt length.
    const std::int64_t floor = std::max<std::int64_t>(state.position, model_->config().window_size - 1);
    if (auto stored = store_->find(ids, floor, store_shape_)) {
      state = std::move(*stored);
      const auto at = std::lower_bound(snapshots_.begin(), snapshots_.end(), state.position,
                                       [](const ModelState& s, std::int64_t p) { return s.position < p; });
      snapshots_.insert(at, state);  // ascending, as remember() keeps them
    }
  }
  stats.reused_tokens = state.position;
  state.prompt_length = static_cast<std::int64_t>(ids.size());

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
      stats.cancelled = true;
      stats.finish = "cancelled";
      return stats;
    }
    const std::size_t end = std::min({ids.size(), begin + kChunk, (begin / kSnapshotEvery + 1) * kSnapshotEvery});
    chunk.assign(ids.begin() + static_cast<std::ptrdiff_t>(begin), ids.begin() + static_cast<std::ptrdiff_t>(end));
    SEEK_RETURN_IF_ERROR(model_->forward_rows(chunk, state, {}, pick));
    // Only where the window ring's layout no longer depends on the prompt's length.
    if (end % kSnapshotEvery == 0 && end < ids.size() && static_cast<std::int64_t>(end) >= model_->config().window_size) {
      remember(state);
    }
    begin = end;
  }
  if (store_ && !snapshots_.empty() && snapshots_.back().position >= kPersistFrom) store_->save(ids, snapshots_.back());

  std::vector<TokenId> out;
  std::string text;
  stats.finish = "length";
  for (int i = 0; i < r.max_tokens; ++i) {
    if (cancel.load()) {
      stats.cancelled = true;
      stats.finish = "cancelled";
      return stats;
    }
    if (next == eos_) {
      stats.finish = "eos";
      break;
    }
    if (std::chrono::steady_clock::now() > r.deadline) {
      stats.finish = "deadline";
      break;
    }
    out.push_back(next);
    ++stats.generated;
    emit(next);
    if (!tokenizer_.is_special(next)) text += tokenizer_.token_bytes(next);
    if (!r.stop_text.empty() && text.find(r.stop_text) != std::string::npos) {
      stats.finish = "stop";
      break;
    }
    std::vector<std::int32_t> one{next};
    SEEK_RETURN_IF_ERROR(model_->forward_rows(one, state, {}, pick));
  }
  if (stats.finish != "deadline") {  // a deadline cut is not the model's answer
    answers_.push_front({key, std::move(out), stats.finish});
    if (answers_.size() > kCachedAnswers) answers_.pop_back();
  }
  sink(GenerateEvent{GenerateEvent::Kind::kDone, -1, {}});
  return stats;
}

}  // namespace seek::engine
