// check_limits: the one place where a run's budgets are compared with its usage.
#include "agent/run_limits.h"

namespace seek::agent {

std::string_view to_string(RunStatus status) {
  switch (status) {
    case RunStatus::kCompleted: return "completed";
    case RunStatus::kStepLimit: return "step_limit";
    case RunStatus::kTokenLimit: return "token_limit";
    case RunStatus::kTimeLimit: return "time_limit";
    case RunStatus::kTooManyFormatErrors: return "too_many_format_errors";
    case RunStatus::kCancelled: return "cancelled";
    case RunStatus::kFailed: return "failed";
  }
  return "unknown";
}

std::optional<RunStatus> check_limits(const RunLimits& limits, const RunCounters& used) {
  if (limits.max_consecutive_format_errors != 0 &&
      used.consecutive_format_errors >= limits.max_consecutive_format_errors) {
    return RunStatus::kTooManyFormatErrors;
  }
  if (limits.max_steps != 0 && used.steps >= limits.max_steps) return RunStatus::kStepLimit;
  if (limits.max_tokens != 0 && used.tokens >= limits.max_tokens) return RunStatus::kTokenLimit;
  if (limits.max_wall_time.count() != 0 && used.elapsed >= limits.max_wall_time) return RunStatus::kTimeLimit;
  return std::nullopt;
}

}  // namespace seek::agent
