// Hooks around tool calls (see hooks.h).
#include "agent/hooks.h"

#include <sys/mman.h>
#include <unistd.h>

#include "base/log.h"
#include "sandbox/launcher.h"
#include "tools/file_walk.h"

namespace seek::agent {
namespace {

using Json = nlohmann::json;

constexpr std::size_t kHookOutputBytes = 64 * 1024;

bool applies(const tools::HookSpec& hook, const std::string& event, const std::string& tool) {
  if (hook.event != event) return false;
  if (hook.tools.empty()) return true;
  for (const std::string& glob : hook.tools) {
    if (tools::glob_match(glob, tool)) return true;
  }
  return false;
}

}  // namespace

std::optional<HookRunner::Outcome> HookRunner::run(const tools::HookSpec& hook, const Json& input) const {
  // stdin from memory: a pipe would block on a large call (a long patch) before the hook runs.
  const int fd = ::memfd_create("seek-hook-input", MFD_CLOEXEC);
  if (fd < 0) return std::nullopt;
  const std::string text = input.dump(-1, ' ', false, Json::error_handler_t::replace);
  std::size_t done = 0;
  while (done < text.size()) {
    const ssize_t n = ::write(fd, text.data() + done, text.size() - done);
    if (n <= 0) break;
    done += static_cast<std::size_t>(n);
  }
  ::lseek(fd, 0, SEEK_SET);
  sandbox::ExecRequest request;
  request.policy.mode = sandbox::SandboxMode::kDangerFullAccess;  // the user's own command
  request.policy.cwd = repo_;
  request.policy.timeout = hook.timeout;
  request.policy.max_output_bytes = kHookOutputBytes;
  request.argv = {"sh", "-c", hook.command};
  request.stdin_fd = fd;
  Outcome outcome;
  sandbox::OutputSinks sinks;
  sinks.on_stdout = [](std::string_view) {};
  sinks.on_stderr = [&](std::string_view data) { outcome.err += data; };
  auto ran = sandbox::run_sandboxed(request, sinks);
  ::close(fd);
  if (!ran.ok()) {
    log::warn("{}: not run: {}", hook.source, ran.error().message);
    return std::nullopt;
  }
  if (ran->timed_out) {
    log::warn("{}: timed out after {} ms", hook.source, hook.timeout.count());
    return std::nullopt;
  }
  outcome.exit_code = ran->exit_code;
  if (outcome.exit_code != 0 && outcome.exit_code != 2) log::warn("{}: exit code {}", hook.source, outcome.exit_code);
  return outcome;
}

std::optional<std::string> HookRunner::before(const std::string& tool, const Json& arguments) const {
  for (const tools::HookSpec& hook : hooks_) {
    if (!applies(hook, "pre_tool", tool)) continue;
    auto outcome = run(hook, {{"event", "pre_tool"}, {"tool", tool}, {"arguments", arguments}, {"repo", repo_.string()}});
    if (outcome && outcome->exit_code == 2) {
      return outcome->err.empty() ? "blocked by a hook (" + hook.source + ")" : outcome->err;
    }
  }
  return std::nullopt;
}

std::optional<std::string> HookRunner::after(const std::string& tool, const Json& arguments, const std::string& output,
                                             bool is_error) const {
  std::string feedback;
  for (const tools::HookSpec& hook : hooks_) {
    if (!applies(hook, "post_tool", tool)) continue;
    auto outcome = run(hook, {{"event", "post_tool"},
                              {"tool", tool},
                              {"arguments", arguments},
                              {"repo", repo_.string()},
                              {"output", output},
                              {"is_error", is_error}});
    if (outcome && outcome->exit_code == 2 && !outcome->err.empty()) feedback += outcome->err;
  }
  if (feedback.empty()) return std::nullopt;
  return feedback;
}

}  // namespace seek::agent
