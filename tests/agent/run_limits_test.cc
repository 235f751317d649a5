// check_limits: each budget ends the run with its own status; zero budgets never end it.
#include "agent/run_limits.h"

#include <gtest/gtest.h>

namespace seek::agent {
namespace {

using std::chrono::milliseconds;

TEST(RunLimits, ZeroMeansUnlimited) {
  RunLimits limits{.max_steps = 0, .max_tokens = 0, .max_wall_time = milliseconds(0), .max_consecutive_format_errors = 0};
  EXPECT_EQ(check_limits(limits, {.steps = 1000000, .tokens = 1u << 30, .elapsed = milliseconds(1 << 30),
                                  .consecutive_format_errors = 99}),
            std::nullopt);
}

TEST(RunLimits, EachBudgetHasItsStatus) {
  const RunLimits limits{.max_steps = 10, .max_tokens = 1000, .max_wall_time = milliseconds(5000),
                         .max_consecutive_format_errors = 3};
  EXPECT_EQ(check_limits(limits, {.steps = 9, .tokens = 999, .elapsed = milliseconds(4999)}), std::nullopt);
  EXPECT_EQ(check_limits(limits, {.steps = 10}), RunStatus::kStepLimit);
  EXPECT_EQ(check_limits(limits, {.tokens = 1000}), RunStatus::kTokenLimit);
  EXPECT_EQ(check_limits(limits, {.elapsed = milliseconds(5000)}), RunStatus::kTimeLimit);
  EXPECT_EQ(check_limits(limits, {.consecutive_format_errors = 3}), RunStatus::kTooManyFormatErrors);
  EXPECT_EQ(to_string(RunStatus::kStepLimit), "step_limit");
}

}  // namespace
}  // namespace seek::agent
