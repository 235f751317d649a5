// Result/Error and the checked-call macros: values, errors, propagation with context.
#include "base/result.h"

#include <fcntl.h>
#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "base/check.h"

namespace seek {
namespace {

Result<int> parse_positive(int v) {
  SEEK_CHECK(v > 0, ErrorCode::kInvalidArgument, "value {} is not positive", v);
  return v;
}

Result<int> doubled(int v) {
  SEEK_ASSIGN_OR_RETURN(int x, parse_positive(v));
  return 2 * x;
}

Status open_missing_file() {
  SEEK_CHECK_ERRNO(::open("/nonexistent/seek/file", O_RDONLY), "open /nonexistent/seek/file");
  return ok_status();
}

Status chain(int v) {
  SEEK_RETURN_IF_ERROR(doubled(v));
  return ok_status();
}

TEST(Result, HoldsAValueOrAnError) {
  Result<std::string> good = std::string("x");
  ASSERT_TRUE(good.ok());
  EXPECT_EQ(*good, "x");
  EXPECT_EQ(good->size(), 1u);
  Result<std::string> bad = make_error(ErrorCode::kNotFound, "nope");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error(), (Error{ErrorCode::kNotFound, "nope"}));
  EXPECT_EQ(bad.value_or("fallback"), "fallback");
}

TEST(Result, MoveOnlyValues) {
  Result<std::unique_ptr<int>> r = std::make_unique<int>(5);
  ASSERT_TRUE(r.ok());
  std::unique_ptr<int> p = std::move(r).value();
  EXPECT_EQ(*p, 5);
}

TEST(Result, MacrosPropagateWithFileAndLine) {
  EXPECT_EQ(*doubled(4), 8);
  auto err = doubled(-1);
  ASSERT_FALSE(err.ok());
  EXPECT_EQ(err.error().code, ErrorCode::kInvalidArgument);
  EXPECT_NE(err.error().message.find("value -1 is not positive"), std::string::npos);
  EXPECT_NE(err.error().message.find("result_test.cc:"), std::string::npos) << err.error().message;
  EXPECT_FALSE(chain(0).ok());
  EXPECT_TRUE(chain(1).ok());
}

TEST(Result, ErrnoBecomesACodeAndAMessage) {
  auto status = open_missing_file();
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.error().code, ErrorCode::kNotFound);
  EXPECT_NE(status.error().message.find("No such file"), std::string::npos) << status.error().message;
}

TEST(Error, ContextIsPrefixed) {
  Error e{ErrorCode::kCorrupt, "bad header"};
  EXPECT_EQ(e.with_context("model-00001-of-00002.safetensors").message,
            "model-00001-of-00002.safetensors: bad header");
  EXPECT_EQ(to_string(ErrorCode::kResourceExhausted), "resource_exhausted");
}

}  // namespace
}  // namespace seek
