// The engine's outward interface: a TokenGenerator takes a generation request and streams events
// (each token with its text, then done or an error) until the request ends or is cancelled.
// LocalEngine implements it on the V4 model in this process; the OpenAI-compatible
// RemoteBackend (agent issue) implements it over HTTP. Requests run on the caller's thread;
// queueing and priorities (completion > agent turn > background prefill) sit above this.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "engine/tokenizer/tokenizer.h"
#include "base/function_ref.h"

namespace seek::engine {

struct GenerateRequest {
  std::vector<TokenId> prompt;
  int max_tokens = 64;
  /// Stop once the generated text contains this (e.g. "\n" for a one-line completion).
  std::string stop_text;
  std::chrono::steady_clock::time_point deadline = std::chrono::steady_clock::time_point::max();
};

struct GenerateEvent {
  enum class Kind { kToken, kDone };
  Kind kind = Kind::kToken;
  TokenId token = -1;
  std::string_view text;  ///< kToken: the token's bytes (empty for control tokens)
};

/// How a request ended and what it cost.
struct GenerateStats {
  std::int64_t prompt_tokens = 0;
  std::int64_t reused_tokens = 0;  ///< prompt tokens served from a cached prefix state
  int generated = 0;
  bool cancelled = false;
  bool from_cache = false;  ///< the whole answer was cached: no model time
  std::string finish;       ///< "stop", "length", "eos", "deadline", "cancelled"
};

class TokenGenerator {
 public:
  virtual ~TokenGenerator() = default;
  virtual std::string name() const = 0;
  /// Runs `request`, handing each event to `sink`; returns early (stats.cancelled) as soon
  /// as `cancel` is set: between prompt chunks and between tokens.
  virtual Result<GenerateStats> submit(const GenerateRequest& request, FunctionRef<void(const GenerateEvent&)> sink,
                                       const std::atomic<bool>& cancel) = 0;
  virtual const Tokenizer& tokenizer() const = 0;
};

}  // namespace seek::engine
