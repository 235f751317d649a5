// The inline-completion service: builds a fill-in-the-middle request from the text around
// the cursor and context from other open files, asks a backend for the middle, and cleans
// the answer (one line unless the cursor sits on an empty line, no repeat of the text that
// already follows the cursor). While the user types the characters of the last suggestion,
// its rest is served without a new generation. Backends: the local V4 engine (FIM prompt, greedy decode,
// cancellable between tokens) and a model-free one that continues lines seen earlier, so
// editors work before a model is configured.
#pragma once

#include <atomic>
#include <chrono>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "base/result.h"
#include "engine/kv/kv_store_settings.h"
#include "engine/tokenizer/tokenizer.h"

namespace seek::agent {

struct ContextFile {
  std::string path;
  std::string text;
};

class WorkspaceContext;

struct CompletionRequest {
  std::string path;    ///< the document's path or URI, shown to the model
  std::string file;    ///< its absolute path on disk, when it has one
  std::shared_ptr<WorkspaceContext> workspace;  ///< the repository index of its workspace
  std::string prefix;  ///< document text before the cursor
  std::string suffix;  ///< document text after the cursor
  std::vector<ContextFile> context;  ///< other open files, in a stable order
  std::vector<ContextFile> recent_edits;  ///< lines around recently edited places, most recent first
  bool multiline = false;
  int max_tokens = 64;
  std::chrono::milliseconds time_limit{5000};
};

/// What a backend produced before cleaning; `text` is the middle to insert at the cursor.
struct Generation {
  std::string text;
  int tokens = 0;              ///< generated
  bool cancelled = false;
  std::int64_t prompt_tokens = 0;  ///< engine: prompt length
  std::int64_t reused_tokens = 0;  ///< engine: prompt tokens served from a cached prefix state
  bool from_cache = false;         ///< the whole answer came from a cache (no model time)
  std::vector<std::string> context;  ///< the snippets the prompt carried (paths, in order)
};

class CompletionSource {
 public:
  virtual ~CompletionSource() = default;
  virtual std::string name() const = 0;
  /// Produces the middle; returns early (cancelled = true) when `cancel` becomes true.
  virtual Result<Generation> generate(const CompletionRequest& request, const std::atomic<bool>& cancel) = 0;
};

/// Continues the current line from the most recent earlier line (in the document, then the
/// context files) that starts the same way. Deterministic and instant.
std::unique_ptr<CompletionSource> make_line_history_completion_source();

/// The local engine: a checkpoint in the official layout plus its tokenizer.json.
Result<std::unique_ptr<CompletionSource>> make_engine_completion_source(
    const std::string& model_dir, const std::optional<engine::KvStoreSettings>& kv_store = std::nullopt);

/// An OpenAI-compatible server's Completions API (fill-in-the-middle with prompt + suffix):
/// DeepSeek's https://api.deepseek.com/beta, or vLLM/SGLang's /v1.
Result<std::unique_ptr<CompletionSource>> make_remote_completion_source(const std::string& base_url, const std::string& model,
                                                                         const std::string& api_key);

class CompletionService {
 public:
  explicit CompletionService(std::unique_ptr<CompletionSource> backend) : backend_(std::move(backend)) {}

  /// The text to insert at the cursor (empty: nothing worth showing). Errors are host faults.
  Result<Generation> complete(const CompletionRequest& request, const std::atomic<bool>& cancel);
  std::string backend_name() const { return backend_->name(); }
  /// The snippets of the last generated completion's prompt (for seek/status).
  std::vector<std::string> last_context() const {
    std::lock_guard lock(context_mutex_);  // not mutex_: that one is held for a whole generation
    return last_context_;
  }

 private:
  struct Shown {
    std::string path, prefix, suffix, text;
  };
  std::unique_ptr<CompletionSource> backend_;
  std::mutex mutex_;  // one generation at a time per backend
  Shown last_;        // the last suggestion served, for typing into it
  mutable std::mutex context_mutex_;
  std::vector<std::string> last_context_;
};

/// The request with its context laid out for the prompt (open files, then definitions of
/// the symbols near the cursor from the workspace index), within a character budget.
CompletionRequest with_context(const CompletionRequest& request);

/// The cleaning step alone (tested on its own): a single-line cut, or for multi-line text a
/// cut where the enclosing scope ends (a line indented less than `scope_indent`, the cursor
/// line's indentation); and no repeat of the text that follows the cursor on its line.
std::string clean_completion(std::string text, const std::string& suffix, bool multiline, std::size_t scope_indent = 0);

}  // namespace seek::agent
