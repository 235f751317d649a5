// SandboxPolicy: mode spellings round-trip and contradictory policies are refused by name.
#include "sandbox/policy.h"

#include <gtest/gtest.h>

namespace seek::sandbox {
namespace {

TEST(SandboxMode, SpellingsRoundTrip) {
  for (auto mode : {SandboxMode::kReadOnly, SandboxMode::kWorkspaceWrite, SandboxMode::kDangerFullAccess}) {
    auto parsed = parse_sandbox_mode(to_string(mode));
    ASSERT_TRUE(parsed.ok());
    EXPECT_EQ(*parsed, mode);
  }
  auto bad = parse_sandbox_mode("readonly");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().code, ErrorCode::kInvalidArgument);
  EXPECT_NE(bad.error().message.find("readonly"), std::string::npos);
}

TEST(SandboxPolicy, WritableRootsContradictReadOnly) {
  SandboxPolicy policy{.mode = SandboxMode::kReadOnly, .cwd = "/w", .writable_roots = {"/w/out"}};
  auto status = validate(policy);
  ASSERT_FALSE(status.ok());
  EXPECT_NE(status.error().message.find("--writable"), std::string::npos);
  policy.mode = SandboxMode::kWorkspaceWrite;
  EXPECT_TRUE(validate(policy).ok());
  policy.writable_roots = {"relative/dir"};
  EXPECT_FALSE(validate(policy).ok());
}

}  // namespace
}  // namespace seek::sandbox
