// Model resolution and backend selection (see backend_choice.h).
#include "daemon/backend_choice.h"

#include <fmt/format.h>
#include <unistd.h>

#include <cstdlib>

#include "base/fs.h"
#include "daemon/paths.h"
#include "daemon/user_config.h"
#include "engine/checkpoint/presets.h"
#include "engine/checkpoint/random_checkpoint.h"
#include "engine/remote/remote_backend.h"
#include "engine/runtime/local_chat.h"
#include "engine/runtime/local_engine.h"

namespace seek::daemon {

namespace fs = std::filesystem;

Status check_backend_flags(const std::string& backend, const std::string& base_url, const std::string& model) {
  if (backend == "openai") {
    if (base_url.empty() || model.empty()) {
      return make_error(ErrorCode::kInvalidArgument, "--backend openai needs --base-url URL (the API root, including /v1) and --model NAME");
    }
    SEEK_ASSIGN_OR_RETURN(auto checked, engine::RemoteBackend::create({.base_url = base_url}));  // the URL's shape
    return ok_status();
  }
  if (backend != "local") return make_error(ErrorCode::kInvalidArgument, "--backend must be local or openai");
  if (!base_url.empty()) return make_error(ErrorCode::kInvalidArgument, "--base-url goes with --backend openai");
  return ok_status();
}

std::string model_flag_or_env(const std::string& flag) {
  if (!flag.empty()) return flag;
  const char* env = std::getenv("SEEK_MODEL");
  return env ? env : "";
}

Result<ModelChoice> resolve_model(const std::string& flag) {
  if (std::string model = model_flag_or_env(flag); !model.empty()) return ModelChoice{std::move(model), false};
  SEEK_ASSIGN_OR_RETURN(const fs::path data, user_dir(UserDir::kData));
  const fs::path dir = data / "models" / "tiny-random-v1";
  std::error_code ec;
  if (fs::exists(dir / "config.json", ec)) return ModelChoice{dir.string(), true};
  // First use: write it beside its final place, then rename, so a crash never leaves half a
  // checkpoint where the next start would trust it.
  SEEK_ASSIGN_OR_RETURN(engine::ModelConfig config, engine::preset_config("tiny"));
  engine::RandomCheckpointOptions options;
  options.seed = 0;
  options.tokenizer_dir = find_tokenizer_dir();
  if (options.tokenizer_dir.empty()) {
    return make_error(ErrorCode::kNotFound, "the V4 tokenizer.json was not found next to seek (share/seek)");
  }
  const fs::path temp = dir.parent_path() / fmt::format(".tiny-random-v1.{}", ::getpid());
  fs::create_directories(dir.parent_path(), ec);
  fs::remove_all(temp, ec);
  SEEK_RETURN_IF_ERROR(engine::write_random_checkpoint(config, temp.string(), options));
  fs::rename(temp, dir, ec);
  if (ec && !fs::exists(dir / "config.json")) {
    return make_error(ErrorCode::kIo, fmt::format("cannot move the default model into {}: {}", dir.string(), ec.message()));
  }
  fs::remove_all(temp, ec);  // another daemon won the race
  return ModelChoice{dir.string(), true};
}

namespace {

std::string api_key_of(const BackendFlags& flags, const Warn& warn) {
  if (flags.api_key) return *flags.api_key;
  return resolve_api_key([&](const std::string& w) {
    if (warn) warn(w);
  });
}

}  // namespace

Result<std::unique_ptr<agent::CompletionSource>> make_completion_source(const BackendFlags& flags, bool default_model,
                                                                         const Warn& warn) {
  if (flags.backend == "openai") {
    return agent::make_remote_completion_source(flags.base_url, flags.model, api_key_of(flags, warn));
  }
  const std::string model = model_flag_or_env(flags.model);
  if (model.empty() && !default_model) return agent::make_line_history_completion_source();
  SEEK_ASSIGN_OR_RETURN(ModelChoice choice, resolve_model(model));
  if (choice.embedded_default && warn) warn("using the embedded default model (random weights: its suggestions are noise)");
  return agent::make_engine_completion_source(choice.dir, kv_store_settings());
}

Result<std::shared_ptr<engine::TokenGenerator>> load_local_engine(const fs::path& dir) {
  SEEK_ASSIGN_OR_RETURN(std::unique_ptr<engine::LocalEngine> local, engine::LocalEngine::load(dir.string()));
  // The system prompt and tools are the same every run: their prefix state is kept.
  local->enable_kv_store(kv_store_settings());
  return std::shared_ptr<engine::TokenGenerator>(std::move(local));
}

Result<std::unique_ptr<engine::ChatGenerator>> make_chat_generator(const BackendFlags& flags, const EngineLoader& load_engine,
                                                                   const Warn& warn) {
  if (flags.backend == "openai") {
    SEEK_ASSIGN_OR_RETURN(auto remote, engine::RemoteBackend::create({.base_url = flags.base_url, .api_key = api_key_of(flags, warn)}));
    return std::unique_ptr<engine::ChatGenerator>(std::move(remote));
  }
  SEEK_ASSIGN_OR_RETURN(ModelChoice model, resolve_model(flags.model));  // --model, $SEEK_MODEL, the default
  SEEK_ASSIGN_OR_RETURN(std::shared_ptr<engine::TokenGenerator> engine,
                        load_engine ? load_engine(model.dir) : load_local_engine(model.dir));
  if (model.embedded_default && warn) warn("using the embedded default model (random weights: its replies are noise)");
  return std::unique_ptr<engine::ChatGenerator>(std::make_unique<engine::LocalChatGenerator>(std::move(engine), 1024));
}

std::string find_tokenizer_dir() {
  std::error_code ec;
  if (const char* env = std::getenv("SEEK_TOKENIZER_DIR"); env && *env) {
    if (fs::exists(fs::path(env) / "tokenizer.json", ec)) return env;
  }
  const auto self = self_executable();
  if (!self.ok()) return {};
  const fs::path exe = *self;
  const fs::path beside = exe.parent_path() / "share" / "seek";
  if (fs::exists(beside / "tokenizer.json", ec)) return beside.string();
  const fs::path installed = exe.parent_path().parent_path() / "share" / "seek";  // <prefix>/bin/seek
  if (fs::exists(installed / "tokenizer.json", ec)) return installed.string();
  return {};
}

}  // namespace seek::daemon
