// RemoteBackend: the OpenAI-compatible Chat Completions client (Boost.Beast, OpenSSL for
// https). POST <base-url>/chat/completions with stream=true; server-sent events become
// reasoning/content/tool-call deltas; usage (with DeepSeek's cache hit/miss tokens) comes
// with the last chunk. Retries 429/5xx and connection failures with backoff, honouring
// Retry-After; per-phase timeouts; a cancel closes the connection at once. The API key
// goes in the Authorization header only: never in errors, logs or results.
#pragma once

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "engine/chat/chat_generator.h"

namespace seek::engine {

struct RemoteOptions {
  std::string base_url;  ///< the API root including /v1, e.g. https://api.deepseek.com/v1
  std::string api_key;   ///< empty: no Authorization header
  std::chrono::milliseconds connect_timeout{10'000};
  std::chrono::milliseconds idle_timeout{120'000};  ///< the longest silence mid-stream
  int max_retries = 4;
  std::chrono::milliseconds first_backoff{500};  ///< doubles per retry, capped at 30 s
};

struct TextCompletionRequest {
  std::string model;
  std::string prompt;  ///< the text before the hole
  std::string suffix;  ///< the text after it
  int max_tokens = 64;
  std::vector<std::string> stop;
};

/// DEEPSEEK_API_KEY, else OPENAI_API_KEY, else `configured`.
std::string api_key_from_environment(const std::string& configured = {});

class RemoteBackend final : public ChatGenerator {
 public:
  /// Validates the URL (http:// or https://, host, optional port and path).
  static Result<std::unique_ptr<RemoteBackend>> create(RemoteOptions options);
  ~RemoteBackend() override;

  std::string name() const override { return "remote"; }
  Result<ChatResult> chat(const ChatRequest& request, FunctionRef<void(const ChatEvent&)> sink,
                          const std::atomic<bool>& cancel) override;

  /// Fill-in-the-middle through the (legacy) Completions API: POST <base-url>/completions
  /// with prompt and suffix, streamed; the middle arrives as content deltas. DeepSeek
  /// serves it under https://api.deepseek.com/beta; vLLM and SGLang under /v1.
  Result<ChatResult> complete(const TextCompletionRequest& request, FunctionRef<void(const ChatEvent&)> sink,
                              const std::atomic<bool>& cancel);

  /// The request bodies sent (tested on their own).
  static std::string request_body(const ChatRequest& request);
  static std::string completion_body(const TextCompletionRequest& request);

 private:
  struct Url {
    bool tls = false;
    std::string host, port, path;  // path: without a trailing slash
  };
  RemoteBackend(RemoteOptions options, Url url) : options_(std::move(options)), url_(std::move(url)) {}
  Result<ChatResult> post(const std::string& endpoint, const std::string& body, FunctionRef<void(const ChatEvent&)> sink,
                          const std::atomic<bool>& cancel);

  RemoteOptions options_;
  Url url_;
};

}  // namespace seek::engine
