// Model resolution for the daemon (see default_model.h).
#include "daemon/default_model.h"

#include <fmt/format.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>

#include "daemon/model_commands.h"
#include "engine/model/presets.h"
#include "engine/model/random_checkpoint.h"

namespace seek::daemon {

namespace fs = std::filesystem;

Result<ModelChoice> resolve_model(const std::string& flag) {
  if (!flag.empty()) return ModelChoice{flag, false};
  if (const char* env = std::getenv("SEEK_MODEL"); env && *env) return ModelChoice{env, false};
  fs::path data;
  if (const char* xdg = std::getenv("XDG_DATA_HOME"); xdg && *xdg) {
    data = xdg;
  } else if (const char* home = std::getenv("HOME"); home && *home) {
    data = fs::path(home) / ".local" / "share";
  } else {
    return make_error(ErrorCode::kNotFound, "neither XDG_DATA_HOME nor HOME is set: no place for the default model");
  }
  const fs::path dir = data / "seek" / "models" / "tiny-random-v1";
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

}  // namespace seek::daemon
