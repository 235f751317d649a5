// The daemon's shared models (see model_hub.h).
#include "daemon/server/model_hub.h"

#include <filesystem>
#include <map>

#include "base/log.h"
#include "daemon/agent_setup.h"

namespace seek::daemon {
namespace {

std::unique_ptr<agent::SessionHost> make_session_host(std::string default_model) {
  struct EngineCache {
    std::mutex mutex;
    std::map<std::string, std::shared_ptr<engine::TokenGenerator>> engines;  // by model directory
  };
  auto cache = std::make_shared<EngineCache>();
  EngineLoader load = [cache](const std::filesystem::path& dir) -> Result<std::shared_ptr<engine::TokenGenerator>> {
    std::error_code ec;
    const std::filesystem::path key = std::filesystem::weakly_canonical(dir, ec);
    std::lock_guard lock(cache->mutex);  // one load at a time: a second caller waits and shares it
    auto& slot = cache->engines[(ec ? dir : key).string()];
    if (!slot) {
      log::info("loading the agent model {}", dir.string());
      SEEK_ASSIGN_OR_RETURN(slot, load_local_engine(dir));
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

}  // namespace

ModelHub::ModelHub(BackendFlags flags)
    : flags_(std::move(flags)), sessions_(make_session_host(flags_.backend == "local" ? flags_.model : "")) {}

ModelHub::~ModelHub() { stop(); }

agent::CompletionService& ModelHub::completions() {
  std::call_once(loaded_, [this] {
    if (flags_.backend == "openai") log::info("inline completion from {} ({})", flags_.base_url, flags_.model);
    auto source = make_completion_source(flags_, /*default_model=*/true, [](const std::string& w) { log::warn("{}", w); });
    std::unique_ptr<agent::CompletionService> service;
    if (!source.ok()) {
      // The daemon stays useful (and says why in its log) rather than refusing editors.
      log::error("the model could not be loaded ({}); serving model-free completions", source.error().message);
      service = std::make_unique<agent::CompletionService>(agent::make_line_history_completion_source());
    } else {
      log::info("inline completion backend: {}", (*source)->name());
      service = std::make_unique<agent::CompletionService>(std::move(*source));
    }
    std::lock_guard lock(mutex_);
    completions_ = std::move(service);
  });
  return *completions_;
}

std::optional<std::string> ModelHub::loaded_backend() const {
  std::lock_guard lock(mutex_);
  if (!completions_) return std::nullopt;
  return completions_->backend_name();
}

void ModelHub::stop() {
  if (sessions_) sessions_->stop();
}

}  // namespace seek::daemon
