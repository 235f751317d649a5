// The completion service and its backends (see completion_service.h).
#include "agent/completion_service.h"

#include <fmt/format.h>

#include <algorithm>
#include <filesystem>

#include "engine/model/fim.h"

namespace seek::agent {
namespace {

std::string_view current_line_prefix(std::string_view prefix) {
  const std::size_t nl = prefix.find_last_of('\n');
  return nl == std::string_view::npos ? prefix : prefix.substr(nl + 1);
}

class LineHistoryBackend final : public CompletionBackend {
 public:
  std::string name() const override { return "line-history"; }

  Result<Generation> generate(const CompletionRequest& r, const std::atomic<bool>& cancel) override {
    Generation g;
    std::string_view typed = current_line_prefix(r.prefix);
    const std::size_t indent = typed.find_first_not_of(" \t");
    if (indent == std::string_view::npos) return g;  // nothing typed on this line yet
    typed.remove_prefix(indent);
    // Earlier lines, nearest first: the document above the cursor, then the context files.
    std::vector<std::string_view> sources{std::string_view(r.prefix).substr(0, r.prefix.size() - current_line_prefix(r.prefix).size())};
    for (const ContextFile& f : r.context) sources.push_back(f.text);
    for (std::string_view text : sources) {
      if (cancel.load()) {
        g.cancelled = true;
        return g;
      }
      std::size_t end = text.size();
      while (end > 0) {
        const std::size_t nl = text.rfind('\n', end - 1);
        const std::size_t begin = nl == std::string_view::npos ? 0 : nl + 1;
        std::string_view line = text.substr(begin, end - begin);
        if (!line.empty() && line.back() == '\n') line.remove_suffix(1);
        const std::size_t at = line.find_first_not_of(" \t");
        if (at != std::string_view::npos) {
          line.remove_prefix(at);
          if (line.size() > typed.size() && line.starts_with(typed)) {
            g.text = std::string(line.substr(typed.size()));
            g.tokens = 1;
            return g;
          }
        }
        if (nl == std::string_view::npos) break;
        end = nl;
      }
    }
    return g;
  }
};

class EngineBackend final : public CompletionBackend {
 public:
  EngineBackend(std::unique_ptr<engine::DeepseekV4> model, engine::Tokenizer tokenizer)
      : model_(std::move(model)), tokenizer_(std::move(tokenizer)) {}
  std::string name() const override { return "local-engine"; }

  Result<Generation> generate(const CompletionRequest& r, const std::atomic<bool>& cancel) override {
    const auto deadline = std::chrono::steady_clock::now() + r.time_limit;
    engine::FimRequest fim;
    fim.prefix = r.prefix;
    fim.suffix = r.suffix;
    for (const ContextFile& f : r.context) fim.context.push_back({f.path, f.text});
    fim.max_context_tokens = 4096;
    SEEK_ASSIGN_OR_RETURN(engine::FimPrompt prompt, engine::build_fim_prompt(tokenizer_, fim));
    engine::ModelState state = model_->new_state();
    const std::int64_t vocab = model_->config().vocab_size;
    Generation g;
    std::int32_t next = -1;
    // Greedy: the arg-max of the last row of each call.
    const auto pick = [&](const float* rows, std::int64_t n) {
      const float* last = rows + (n - 1) * vocab;
      next = static_cast<std::int32_t>(std::max_element(last, last + vocab) - last);
      return ok_status();
    };
    // The prompt in chunks laid out as one prefill (bit-identical), so a cancel lands
    // within one chunk's time rather than after the whole prompt.
    constexpr std::size_t kChunk = 32;
    state.prompt_length = static_cast<std::int64_t>(prompt.ids.size());
    std::vector<std::int32_t> chunk;
    for (std::size_t begin = 0; begin < prompt.ids.size(); begin += kChunk) {
      if (cancel.load()) {
        g.cancelled = true;
        return g;
      }
      chunk.assign(prompt.ids.begin() + static_cast<std::ptrdiff_t>(begin),
                   prompt.ids.begin() + static_cast<std::ptrdiff_t>(std::min(prompt.ids.size(), begin + kChunk)));
      SEEK_RETURN_IF_ERROR(model_->forward_rows(chunk, state, {}, pick));
    }
    const engine::TokenId eos = tokenizer_.token_to_id("<｜end▁of▁sentence｜>").value_or(-1);
    for (int i = 0; i < r.max_tokens; ++i) {
      if (cancel.load()) {
        g.cancelled = true;
        break;
      }
      if (next == eos || std::chrono::steady_clock::now() > deadline) break;
      ++g.tokens;
      // Control tokens and ids the tokenizer lacks (padding rows of the head, which a random
      // model does pick) add no text.
      if (!tokenizer_.is_special(next)) g.text += tokenizer_.token_bytes(next);
      if (!r.multiline && g.text.find('\n') != std::string::npos) break;
      std::vector<std::int32_t> one{next};
      SEEK_RETURN_IF_ERROR(model_->forward_rows(one, state, {}, pick));
    }
    return g;
  }

 private:
  std::unique_ptr<engine::DeepseekV4> model_;
  engine::Tokenizer tokenizer_;
};

}  // namespace

std::unique_ptr<CompletionBackend> make_line_history_backend() { return std::make_unique<LineHistoryBackend>(); }

Result<std::unique_ptr<CompletionBackend>> make_engine_backend(const std::string& model_dir) {
  const std::string tokenizer_path = (std::filesystem::path(model_dir) / "tokenizer.json").string();
  SEEK_ASSIGN_OR_RETURN(engine::Tokenizer tokenizer, engine::Tokenizer::load(tokenizer_path));
  SEEK_ASSIGN_OR_RETURN(std::unique_ptr<engine::DeepseekV4> model, engine::DeepseekV4::load(model_dir));
  return std::unique_ptr<CompletionBackend>(std::make_unique<EngineBackend>(std::move(model), std::move(tokenizer)));
}

std::string clean_completion(std::string text, const std::string& suffix, bool multiline) {
  if (!multiline) {
    const std::size_t nl = text.find('\n');
    if (nl != std::string::npos) text.resize(nl);
  }
  // Do not repeat what already follows the cursor on its line (a closing bracket, say).
  const std::string_view rest = std::string_view(suffix).substr(0, std::min(suffix.find('\n'), suffix.size()));
  for (std::size_t n = std::min(rest.size(), text.size()); n > 0; --n) {
    if (std::string_view(text).substr(text.size() - n) == rest.substr(0, n)) {
      text.resize(text.size() - n);
      break;
    }
  }
  while (!text.empty() && text.back() == '\r') text.pop_back();
  return text;
}

Result<Generation> CompletionService::complete(const CompletionRequest& request, const std::atomic<bool>& cancel) {
  std::lock_guard lock(mutex_);
  SEEK_ASSIGN_OR_RETURN(Generation g, backend_->generate(request, cancel));
  g.text = clean_completion(std::move(g.text), request.suffix, request.multiline);
  return g;
}

}  // namespace seek::agent
