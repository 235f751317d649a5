// The daemon's session host (see session_runtime.h).
#include "daemon/session_runtime.h"

#include <map>
#include <mutex>

#include "base/log.h"
#include "daemon/agent_setup.h"
#include "engine/runtime/local_engine.h"

namespace seek::daemon {

std::unique_ptr<agent::SessionHost> make_session_host(std::string default_model) {
  struct EngineCache {
    std::mutex mutex;
    std::map<std::string, std::shared_ptr<engine::Backend>> engines;  // by model directory
  };
  auto cache = std::make_shared<EngineCache>();
  EngineLoader load = [cache](const std::filesystem::path& dir) -> Result<std::shared_ptr<engine::Backend>> {
    std::error_code ec;
    const std::filesystem::path key = std::filesystem::weakly_canonical(dir, ec);
    std::lock_guard lock(cache->mutex);  // one load at a time: a second caller waits and shares it
    auto& slot = cache->engines[(ec ? dir : key).string()];
    if (!slot) {
      log::info("loading the agent model {}", dir.string());
      SEEK_ASSIGN_OR_RETURN(std::unique_ptr<engine::LocalEngine> engine, engine::LocalEngine::load(dir));
      engine->enable_default_kv_store();
      slot = std::move(engine);
    }
    return slot;
  };
  auto factory = [load, default_model](const nlohmann::json& settings,
                                       const nlohmann::json& secrets) -> Result<std::unique_ptr<agent::SessionRuntime>> {
    SEEK_ASSIGN_OR_RETURN(AgentFlags flags, flags_of(settings));
    if (flags.backend == "local" && flags.model.empty()) flags.model = default_model;
    if (secrets.contains("api_key") && secrets["api_key"].is_string()) flags.api_key = secrets["api_key"].get<std::string>();
    SEEK_ASSIGN_OR_RETURN(std::unique_ptr<AgentSetup> setup, make_agent_setup(flags, nullptr, load));
    return std::unique_ptr<agent::SessionRuntime>(std::move(setup));
  };
  return std::make_unique<agent::SessionHost>(std::move(factory));
}

}  // namespace seek::daemon
