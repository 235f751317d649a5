// Policy -> rules is a pure function: bubblewrap arguments, Landlock rules and seccomp
// options for each mode, path resolution through symlinks, and fail-closed refusals that
// name every missing mechanism.
#include "sandbox/plan.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>

#include "tests/support/temp_dir.h"

namespace seek::sandbox {
namespace {

SandboxSupport full_support() {
  SandboxSupport s;
  s.bwrap = "/usr/bin/bwrap";
  s.seccomp = true;
  s.landlock_abi = 6;
  s.pids_cgroup = "/sys/fs/cgroup/pids";
  return s;
}

ResolvedPaths paths_for(const std::string& cwd, std::vector<std::string> writable, std::vector<std::string> protected_paths) {
  ResolvedPaths p;
  p.cwd = cwd;
  p.writable = std::move(writable);
  p.protected_paths = std::move(protected_paths);
  p.hidden_temp_dirs = {"/tmp", "/var/tmp"};
  p.device_files = {"/dev/null"};
  return p;
}

// Index of the triple {flag, a, b} in args, or npos.
std::size_t find_triple(const std::vector<std::string>& args, const std::string& flag, const std::string& a,
                        const std::string& b) {
  for (std::size_t i = 0; i + 2 < args.size(); ++i) {
    if (args[i] == flag && args[i + 1] == a && args[i + 2] == b) return i;
  }
  return std::string::npos;
}

bool has(const std::vector<std::string>& args, const std::string& word) {
  return std::find(args.begin(), args.end(), word) != args.end();
}

TEST(SandboxPlan, WorkspaceWriteBindsRootsAndProtectsGit) {
  SandboxPolicy policy;
  policy.mode = SandboxMode::kWorkspaceWrite;
  policy.cwd = "/ws";
  auto plan = plan_sandbox(policy, full_support(), paths_for("/ws", {"/ws", "/extra"}, {"/ws/.git"}));
  ASSERT_TRUE(plan.ok()) << plan.error().message;
  const auto& args = plan->bwrap_args;
  EXPECT_EQ(find_triple(args, "--ro-bind", "/", "/"), 0u);
  const auto tmp = std::find(args.begin(), args.end(), "/tmp") - args.begin();
  const auto ws = find_triple(args, "--bind", "/ws", "/ws");
  const auto git = find_triple(args, "--ro-bind", "/ws/.git", "/ws/.git");
  ASSERT_NE(ws, std::string::npos);
  ASSERT_NE(git, std::string::npos);
  EXPECT_LT(static_cast<std::size_t>(tmp), ws) << "private /tmp must come before the binds it may cover";
  EXPECT_LT(ws, git) << ".git must be re-bound read-only after the writable bind";
  EXPECT_NE(find_triple(args, "--bind", "/extra", "/extra"), std::string::npos);
  EXPECT_NE(find_triple(args, "--ro-bind", "/proc/sys", "/proc/sys"), std::string::npos);
  EXPECT_TRUE(has(args, "--unshare-net"));
  EXPECT_TRUE(has(args, "--unshare-pid"));
  EXPECT_TRUE(has(args, "--die-with-parent"));
  EXPECT_NE(find_triple(args, "--setenv", "TMPDIR", "/tmp"), std::string::npos);
  EXPECT_EQ(plan->landlock.read_roots, std::vector<std::string>{"/"});
  EXPECT_TRUE(std::find(plan->landlock.write_roots.begin(), plan->landlock.write_roots.end(), "/ws") !=
              plan->landlock.write_roots.end());
  EXPECT_TRUE(plan->landlock.deny_tcp);
  EXPECT_FALSE(plan->seccomp.network);
}

TEST(SandboxPlan, ReadOnlyWritesNothingButTemp) {
  SandboxPolicy policy;
  policy.mode = SandboxMode::kReadOnly;
  policy.cwd = "/tmp/project";
  policy.network = true;
  auto plan = plan_sandbox(policy, full_support(), paths_for("/tmp/project", {}, {}));
  ASSERT_TRUE(plan.ok());
  EXPECT_FALSE(has(plan->bwrap_args, "--bind"));
  // The cwd lives under the hidden /tmp, so it is re-exposed read-only.
  EXPECT_NE(find_triple(plan->bwrap_args, "--ro-bind", "/tmp/project", "/tmp/project"), std::string::npos);
  EXPECT_FALSE(has(plan->bwrap_args, "--unshare-net"));
  EXPECT_TRUE(plan->seccomp.network);
  EXPECT_FALSE(plan->landlock.deny_tcp);
  EXPECT_EQ(plan->landlock.write_roots, (std::vector<std::string>{"/tmp", "/var/tmp"}));
}

TEST(SandboxPlan, FailsClosedNamingEveryMissingMechanism) {
  SandboxPolicy policy;
  policy.cwd = "/ws";
  SandboxSupport none;
  none.bwrap_problem = "bubblewrap (bwrap) is not installed";
  auto plan = plan_sandbox(policy, none, paths_for("/ws", {"/ws"}, {}));
  ASSERT_FALSE(plan.ok());
  EXPECT_EQ(plan.error().code, ErrorCode::kUnavailable);
  for (const char* word : {"bwrap", "seccomp", "Landlock", "pids"}) {
    EXPECT_NE(plan.error().message.find(word), std::string::npos) << word << " in: " << plan.error().message;
  }
  SandboxSupport no_memory = full_support();
  policy.max_memory_bytes = 1 << 30;
  auto plan2 = plan_sandbox(policy, no_memory, paths_for("/ws", {"/ws"}, {}));
  ASSERT_FALSE(plan2.ok());
  EXPECT_NE(plan2.error().message.find("memory"), std::string::npos);
}

TEST(ResolvePaths, FollowsSymlinksAndFindsProtectedDirs) {
  testing::TempDir dir("sk-plan-");
  std::filesystem::create_directories(dir / "real/.git");
  std::filesystem::create_directories(dir / "real/.seek");
  std::filesystem::create_directory_symlink(dir / "real", dir / "link");
  SandboxPolicy policy;
  policy.mode = SandboxMode::kWorkspaceWrite;
  policy.cwd = dir / "link";
  auto paths = resolve_paths(policy);
  ASSERT_TRUE(paths.ok()) << paths.error().message;
  const std::string real = std::filesystem::canonical(dir / "real").string();
  EXPECT_EQ(paths->cwd, real);
  EXPECT_EQ(paths->writable, std::vector<std::string>{real});
  EXPECT_TRUE(std::find(paths->protected_paths.begin(), paths->protected_paths.end(), real + "/.git") !=
              paths->protected_paths.end());
  EXPECT_TRUE(std::find(paths->protected_paths.begin(), paths->protected_paths.end(), real + "/.seek") !=
              paths->protected_paths.end());

  policy.cwd = dir / "missing";
  EXPECT_EQ(resolve_paths(policy).error().code, ErrorCode::kNotFound);
  policy.cwd = dir / "real";
  policy.writable_roots = {"/"};
  EXPECT_FALSE(resolve_paths(policy).ok());
  policy.mode = SandboxMode::kReadOnly;
  policy.writable_roots = {dir / "real"};
  EXPECT_FALSE(resolve_paths(policy).ok());
}

}  // namespace
}  // namespace seek::sandbox
