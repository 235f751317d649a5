// The completion backend over an engine TokenGenerator (LocalEngine in-process): builds the FIM
// prompt and collects the streamed text. The prefix is cut at a stable line, so the
// engine's cached prefix states (128-token snapshots) survive keystrokes.
#include <algorithm>
#include <string>

#include "agent/completion_service.h"
#include "engine/chat/fim.h"
#include "engine/runtime/local_engine.h"

namespace seek::agent {
namespace {

// The prefix from a line that moves only every kAnchorLines lines, kLookBackLines or more
// above the cursor. A prefix cut by token budget alone would shift by a line on every
// keystroke once the file is long, and every token after the cut would change: the cached
// prefix states would be useless exactly when they matter.
std::string_view stable_prefix(std::string_view prefix) {
  constexpr std::int64_t kAnchorLines = 64, kLookBackLines = 96;
  const auto cursor_line = static_cast<std::int64_t>(std::count(prefix.begin(), prefix.end(), '\n'));
  const std::int64_t first = std::max<std::int64_t>(0, cursor_line - kLookBackLines) / kAnchorLines * kAnchorLines;
  std::size_t at = 0;
  for (std::int64_t line = 0; line < first; ++line) at = prefix.find('\n', at) + 1;
  return prefix.substr(at);
}

class EngineCompletionSource final : public CompletionSource {
 public:
  explicit EngineCompletionSource(std::unique_ptr<engine::TokenGenerator> engine) : engine_(std::move(engine)) {}
  std::string name() const override { return engine_->name(); }

  Result<Generation> generate(const CompletionRequest& r, const std::atomic<bool>& cancel) override {
    engine::FimRequest fim;
    fim.prefix = stable_prefix(r.prefix);
    fim.suffix = r.suffix;
    for (const ContextFile& f : r.context) fim.context.push_back({f.path, f.text});
    fim.max_prefix_tokens = 6144;  // a hard cap; stable_prefix keeps it far below, usually
    fim.max_context_tokens = 8192;
    SEEK_ASSIGN_OR_RETURN(engine::FimPrompt prompt, engine::build_fim_prompt(engine_->tokenizer(), fim));
    engine::GenerateRequest request;
    request.prompt = std::move(prompt.ids);
    request.max_tokens = r.max_tokens;
    if (!r.multiline) request.stop_text = "\n";
    request.deadline = std::chrono::steady_clock::now() + r.time_limit;
    Generation g;
    SEEK_ASSIGN_OR_RETURN(engine::GenerateStats stats,
                          engine_->submit(request,
                                          [&](const engine::GenerateEvent& e) {
                                            if (e.kind == engine::GenerateEvent::Kind::kToken) g.text += e.text;
                                          },
                                          cancel));
    g.tokens = stats.generated;
    g.cancelled = stats.cancelled;
    g.prompt_tokens = stats.prompt_tokens;
    g.reused_tokens = stats.reused_tokens;
    g.from_cache = stats.from_cache;
    return g;
  }

 private:
  std::unique_ptr<engine::TokenGenerator> engine_;
};

}  // namespace

Result<std::unique_ptr<CompletionSource>> make_engine_completion_source(
    const std::string& model_dir, const std::optional<engine::KvStoreSettings>& kv_store) {
  SEEK_ASSIGN_OR_RETURN(std::unique_ptr<engine::LocalEngine> engine, engine::LocalEngine::load(model_dir));
  // Prefix states survive restarts: a reopened project completes without re-reading it all.
  engine->enable_kv_store(kv_store);
  return std::unique_ptr<CompletionSource>(std::make_unique<EngineCompletionSource>(std::move(engine)));
}

}  // namespace seek::agent
