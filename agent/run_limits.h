// Every limit of an agent run, checked in one function: steps, tokens, wall time and
// consecutive malformed replies. Ending a run is a value (RunStatus), not a scattered return.
// The loop itself (query -> tool calls -> approval -> execute -> append) comes with the agent issue.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string_view>

namespace seek::agent {

/// How a run ended.
enum class RunStatus {
  kCompleted,           ///< the model finished the task
  kStepLimit,           ///< max_steps reached
  kTokenLimit,          ///< max_tokens reached
  kTimeLimit,           ///< wall-clock budget spent
  kTooManyFormatErrors, ///< the model kept producing unparseable replies
  kCancelled,           ///< the user stopped it
  kFailed,              ///< a host fault ended the turn
};

std::string_view to_string(RunStatus status);

/// Budgets of one run; zero means "no limit".
struct RunLimits {
  uint32_t max_steps = 0;
  uint64_t max_tokens = 0;
  std::chrono::milliseconds max_wall_time{0};
  uint32_t max_consecutive_format_errors = 3;
};

/// What a run has used so far.
struct RunCounters {
  uint32_t steps = 0;
  uint64_t tokens = 0;
  std::chrono::milliseconds elapsed{0};
  uint32_t consecutive_format_errors = 0;
};

/// The status that ends the run when a limit is reached, or nullopt to go on.
std::optional<RunStatus> check_limits(const RunLimits& limits, const RunCounters& used);

}  // namespace seek::agent
