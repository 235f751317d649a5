// Which model a command or the daemon serves, and the one place where model flags become
// backends: --model DIR, else $SEEK_MODEL, else the embedded default (the `tiny` preset,
// created on first use under $XDG_DATA_HOME/seek/models/: a random-weight checkpoint that
// exercises the whole engine, whose suggestions are noise); or --backend openai with
// --base-url and --model NAME. Inline completion gets an agent::CompletionSource from here,
// agent turns an engine::ChatGenerator.
#pragma once

#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "agent/completion_service.h"
#include "base/result.h"
#include "engine/chat/chat_generator.h"
#include "engine/runtime/token_generator.h"

namespace seek::daemon {

/// The model flags every command shares (`--backend`, `--base-url`, `--model`).
struct BackendFlags {
  std::string backend = "local";  ///< local | openai
  std::string base_url;           ///< openai: the API root, including /v1 (DeepSeek FIM: .../beta)
  std::string model;              ///< local: a checkpoint directory (empty: the default); openai: a name
  /// openai: the API key; nullopt: from the environment, then the user config.
  std::optional<std::string> api_key;
};

/// The flags checked the same way everywhere (a usage error): openai needs a valid
/// --base-url and --model; --base-url goes with openai only.
Status check_backend_flags(const std::string& backend, const std::string& base_url, const std::string& model);

struct ModelChoice {
  std::string dir;
  bool embedded_default = false;  ///< the random-weight tiny preset
};

/// The local model the flag names, else $SEEK_MODEL, else "" (the default, or none).
std::string model_flag_or_env(const std::string& flag);

/// Resolves (and, for the embedded default, creates) the local model directory.
Result<ModelChoice> resolve_model(const std::string& flag);

/// Where warnings about the choice go (an API key others can read, the default model).
using Warn = std::function<void(const std::string&)>;

/// The inline completion source the flags ask for: a remote server's FIM endpoint, or the
/// local engine on --model (else $SEEK_MODEL; else the embedded default when
/// `default_model` is set, and the model-free line history when it is not).
Result<std::unique_ptr<agent::CompletionSource>> make_completion_source(const BackendFlags& flags, bool default_model,
                                                                         const Warn& warn);

/// Loads (or shares) the local engine of a model directory.
using EngineLoader = std::function<Result<std::shared_ptr<engine::TokenGenerator>>(const std::filesystem::path& dir)>;

/// Loads a fresh LocalEngine with the persistent KV store on.
Result<std::shared_ptr<engine::TokenGenerator>> load_local_engine(const std::filesystem::path& dir);

/// The chat generator of an agent turn: the remote server, or the V4 chat encoding over the
/// local engine (`load_engine`, else load_local_engine). `warn` may be empty.
Result<std::unique_ptr<engine::ChatGenerator>> make_chat_generator(const BackendFlags& flags, const EngineLoader& load_engine,
                                                                   const Warn& warn);

/// The directory with the V4 tokenizer.json: $SEEK_TOKENIZER_DIR, else share/seek next to
/// the seek binary (where the build puts it). Empty when neither holds one.
std::string find_tokenizer_dir();

}  // namespace seek::daemon
