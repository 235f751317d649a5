// The `seek` command line: --version, --help on every subcommand, exit code 2 with usage on
// stderr for usage errors, and `seek devices` on a machine with or without a GPU.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "tests/support/subprocess.h"

namespace seek::testing {
namespace {

ProcessResult seek(const std::vector<std::string>& args) {
  std::vector<std::string> argv = {seek_binary()};
  argv.insert(argv.end(), args.begin(), args.end());
  return run_process(argv);
}

TEST(Cli, VersionExitsZero) {
  auto r = seek({"--version"});
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_EQ(r.out.rfind("seek ", 0), 0u) << r.out;
}

TEST(Cli, HelpExitsZeroForEverySubcommand) {
  for (const auto& sub : std::vector<std::vector<std::string>>{
           {}, {"daemon"}, {"daemon", "start"}, {"daemon", "stop"}, {"daemon", "status"}, {"devices"}}) {
    auto args = sub;
    args.push_back("--help");
    auto r = seek(args);
    EXPECT_EQ(r.exit_code, 0) << ::testing::PrintToString(args) << r.err;
    EXPECT_NE(r.out.find("Usage:"), std::string::npos) << r.out;
  }
}

TEST(Cli, UsageErrorsExitTwoWithUsageOnStderr) {
  for (const auto& args : std::vector<std::vector<std::string>>{{},
                                                                 {"no-such-subcommand"},
                                                                 {"daemon"},
                                                                 {"daemon", "restart"},
                                                                 {"daemon", "status", "--bogus"},
                                                                 {"--bogus"},
                                                                 {"daemon", "start", "--log-level", "loud"},
                                                                 {"daemon", "start", "--frame-timeout-ms", "x"}}) {
    auto r = seek(args);
    EXPECT_EQ(r.exit_code, 2) << ::testing::PrintToString(args);
    EXPECT_NE(r.err.find("Usage:"), std::string::npos) << ::testing::PrintToString(args) << r.err;
    EXPECT_TRUE(r.out.empty()) << r.out;
  }
  auto unknown = seek({"frobnicate"});
  EXPECT_NE(unknown.err.find("unknown subcommand 'frobnicate'"), std::string::npos) << unknown.err;
}

TEST(Cli, DevicesReportsCpuFallbackCleanly) {
  auto r = seek({"devices"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto j = nlohmann::json::parse(r.out);
  ASSERT_TRUE(j["cuda_built"].is_boolean());
  ASSERT_TRUE(j["cuda_devices"].is_array());
  if (j["cuda_devices"].empty()) {
    EXPECT_EQ(j["default"], "cpu");
    EXPECT_TRUE(j["cuda_error"].is_string()) << "the reason there is no GPU is reported";
  } else {
    EXPECT_EQ(j["default"], "cuda");
  }
}

}  // namespace
}  // namespace seek::testing
