// Shared set-up of `seek run` and `seek chat` (see agent_setup.h).
#include "daemon/agent_setup.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <random>
#include <sstream>

#include "agent/hooks.h"
#include "sandbox/policy.h"
#include "tools/command_tools.h"
#include "tools/file_tools.h"
#include "tools/git_tools.h"

namespace seek::daemon {

namespace fs = std::filesystem;
using Json = nlohmann::json;

namespace {

// `[[hooks]]` of the user config; a broken hook table is a configuration error (exit 2).
Result<std::vector<tools::HookSpec>> load_user_hooks() {
  const std::string path = tools::default_user_config_path();
  std::ifstream file(path, std::ios::binary);
  if (!file) return std::vector<tools::HookSpec>{};
  std::ostringstream text;
  text << file.rdbuf();
  return tools::parse_hooks(text.str(), path);
}

}  // namespace

Result<std::unique_ptr<AgentSetup>> make_agent_setup(const AgentFlags& f, const char* command, const EngineLoader& load_engine) {
  auto setup = std::make_unique<AgentSetup>();
  const auto bad = [](const std::string& m) { return make_error(ErrorCode::kInvalidArgument, m); };
  if (f.approval == "never") {
    setup->config.approval = agent::ApprovalMode::kNever;
  } else if (f.approval == "on-request") {
    setup->config.approval = agent::ApprovalMode::kOnRequest;
  } else if (f.approval == "untrusted") {
    setup->config.approval = agent::ApprovalMode::kUntrusted;
  } else {
    return bad("--approval must be never, on-request or untrusted");
  }
  auto mode = sandbox::parse_sandbox_mode(f.sandbox);
  if (!mode.ok()) return bad(mode.error().message);
  std::error_code ec;
  setup->repo = fs::canonical(f.repo.empty() ? fs::current_path() : fs::path(f.repo), ec);
  if (ec || !fs::is_directory(setup->repo)) return bad(fmt::format("--repo {}: not a directory", f.repo));

  if (Status flags = check_backend_flags(f.backend, f.base_url, f.model); !flags.ok()) return bad(flags.error().message);
  const Warn warn = [command](const std::string& w) {
    if (command) std::fprintf(stderr, "seek %s: %s\n", command, w.c_str());
  };
  SEEK_ASSIGN_OR_RETURN(setup->backend, make_chat_generator({f.backend, f.base_url, f.model, f.api_key}, load_engine, warn));

  SEEK_ASSIGN_OR_RETURN(tools::Workspace workspace, tools::Workspace::open(setup->repo));
  setup->workspace = std::make_shared<const tools::Workspace>(std::move(workspace));
  tools::CommandToolsConfig commands;
  commands.mode = *mode;
  setup->config.sandbox_unrestricted = *mode == sandbox::SandboxMode::kDangerFullAccess;
  SEEK_RETURN_IF_ERROR(tools::register_file_tools(setup->registry, setup->workspace));
  SEEK_RETURN_IF_ERROR(tools::register_git_tools(setup->registry, setup->workspace));
  SEEK_RETURN_IF_ERROR(tools::register_command_tools(setup->registry, setup->workspace, commands));
  SEEK_ASSIGN_OR_RETURN(tools::LoadedApprovals approvals,
                        tools::load_approval_policy(tools::default_user_config_path(), setup->repo.string()));
  if (command) {
    for (const std::string& w : approvals.warnings) std::fprintf(stderr, "seek %s: %s\n", command, w.c_str());
  }
  setup->policy = std::move(approvals.policy);
  SEEK_ASSIGN_OR_RETURN(std::vector<tools::HookSpec> hooks, load_user_hooks());
  if (!hooks.empty()) {
    auto runner = std::make_shared<const agent::HookRunner>(std::move(hooks), setup->repo);
    setup->config.pre_tool_hook = [runner](const std::string& tool, const Json& args) { return runner->before(tool, args); };
    setup->config.post_tool_hook = [runner](const std::string& tool, const Json& args, const std::string& output, bool is_error) {
      return runner->after(tool, args, output, is_error);
    };
  }

  AgentFlags normalized = f;
  normalized.repo = setup->repo.string();
  setup->settings = settings_of(normalized);
  setup->config.model = f.model;
  setup->config.limits.max_steps = static_cast<std::uint32_t>(std::max(1, f.max_steps));
  // Compact well before V4's 1M-token window: long transcripts cost time on every step.
  setup->config.context_budget_tokens = 400'000;
  setup->config.system_prompt = fmt::format(
      "You are seek, a coding agent working in the git repository at {}. Use the tools to read files, edit them "
      "(apply_patch or edit), run the build and the tests, and commit with the git tools. Paths are relative to the "
      "repository. When the task is done, reply with a short summary and no tool calls.",
      setup->repo.string());
  return setup;
}

Json settings_of(const AgentFlags& f) {
  return {{"repo", f.repo},         {"backend", f.backend}, {"base_url", f.base_url},  {"model", f.model},
          {"approval", f.approval}, {"sandbox", f.sandbox}, {"max_steps", f.max_steps}};
}

Result<AgentFlags> flags_of(const Json& settings) {
  AgentFlags f;
  try {
    f.repo = settings.value("repo", f.repo);
    f.backend = settings.value("backend", f.backend);
    f.base_url = settings.value("base_url", f.base_url);
    f.model = settings.value("model", f.model);
    f.approval = settings.value("approval", f.approval);
    f.sandbox = settings.value("sandbox", f.sandbox);
    f.max_steps = settings.value("max_steps", f.max_steps);
  } catch (const Json::exception& e) {
    return make_error(ErrorCode::kInvalidArgument, std::string("session settings: ") + e.what());
  }
  if (f.repo.empty()) return make_error(ErrorCode::kInvalidArgument, "session settings: repo is required");
  return f;
}

}  // namespace seek::daemon
