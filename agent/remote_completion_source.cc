// Inline completion from an OpenAI-compatible server (see completion_service.h): the
// Completions API's fill-in-the-middle (prompt + suffix). Context snippets go before the
// prefix, each under a comment naming its file, the way FIM models saw repositories in
// training. Budgets are in characters (the server tokenizes); the prefix starts at a line.
#include <algorithm>
#include <string>

#include "agent/completion_service.h"
#include "engine/remote/remote_backend.h"

namespace seek::agent {
namespace {

constexpr std::size_t kPrefixChars = 16'000, kSuffixChars = 4'000, kContextChars = 24'000;

// "# " for languages that comment with a hash, "// " for the rest.
std::string comment_for(const std::string& path) {
  for (const char* ext : {".py", ".sh", ".bash", ".rb", ".toml", ".yaml", ".yml", ".cmake", ".pl", ".r"}) {
    if (path.size() >= std::string(ext).size() && path.ends_with(ext)) return "# ";
  }
  if (path.ends_with("CMakeLists.txt") || path.ends_with("Makefile")) return "# ";
  return "// ";
}

class RemoteCompletionSource final : public CompletionSource {
 public:
  RemoteCompletionSource(std::unique_ptr<engine::RemoteBackend> remote, std::string model)
      : remote_(std::move(remote)), model_(std::move(model)) {}
  std::string name() const override { return "remote:" + model_; }

  Result<Generation> generate(const CompletionRequest& r, const std::atomic<bool>& cancel) override {
    Generation g;
    const std::string comment = comment_for(r.path);
    std::string context;
    for (const auto* files : {&r.context, &r.recent_edits}) {
      for (const ContextFile& f : *files) {
        std::string snippet = comment + f.path + "\n" + f.text + (f.text.ends_with("\n") ? "" : "\n") + "\n";
        if (context.size() + snippet.size() > kContextChars) break;
        context += snippet;
        g.context.push_back(f.path);
      }
    }
    std::string_view prefix = r.prefix;
    if (prefix.size() > kPrefixChars) {
      prefix = prefix.substr(prefix.size() - kPrefixChars);
      if (const auto nl = prefix.find('\n'); nl != std::string_view::npos) prefix = prefix.substr(nl + 1);
    }
    engine::TextCompletionRequest request;
    request.model = model_;
    request.prompt = context + comment + r.path + "\n" + std::string(prefix);
    request.suffix = r.suffix.substr(0, std::min(r.suffix.size(), kSuffixChars));
    request.max_tokens = r.max_tokens;
    if (!r.multiline) request.stop = {"\n"};
    SEEK_ASSIGN_OR_RETURN(engine::ChatResult result, remote_->complete(request, [](const engine::ChatEvent&) {}, cancel));
    g.cancelled = result.finish_reason == "cancelled";
    g.text = std::move(result.content);
    g.tokens = static_cast<int>(result.usage.completion_tokens);
    g.prompt_tokens = result.usage.prompt_tokens;
    g.reused_tokens = result.usage.cache_hit_tokens;
    return g;
  }

 private:
  std::unique_ptr<engine::RemoteBackend> remote_;
  std::string model_;
};

}  // namespace

Result<std::unique_ptr<CompletionSource>> make_remote_completion_source(const std::string& base_url, const std::string& model,
                                                                         const std::string& api_key) {
  if (model.empty()) return make_error(ErrorCode::kInvalidArgument, "a remote backend needs --model NAME");
  // A suggestion is worth little late: no retries, short timeouts (a chat turn can wait).
  SEEK_ASSIGN_OR_RETURN(std::unique_ptr<engine::RemoteBackend> remote,
                        engine::RemoteBackend::create({.base_url = base_url,
                                                       .api_key = api_key,
                                                       .connect_timeout = std::chrono::milliseconds(3'000),
                                                       .idle_timeout = std::chrono::milliseconds(15'000),
                                                       .max_retries = 0}));
  return std::unique_ptr<CompletionSource>(std::make_unique<RemoteCompletionSource>(std::move(remote), model));
}

}  // namespace seek::agent
