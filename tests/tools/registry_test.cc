// ToolRegistry: dispatch by name, duplicate names refused, unknown tools answered as
// model-visible errors (golden string: exactly what the model reads).
#include <gtest/gtest.h>

#include "tools/tool.h"

namespace seek::tools {
namespace {

class EchoTool : public ToolHandler {
 public:
  std::string name() const override { return "echo"; }
  nlohmann::json schema() const override { return {{"type", "object"}}; }
  bool is_mutating() const override { return false; }
  Result<ToolOutput> handle(const ToolInvocation& call) override {
    return ToolOutput{.text = call.arguments.value("text", ""), .is_error = false};
  }
};

TEST(ToolRegistry, DispatchesByName) {
  ToolRegistry registry;
  ASSERT_TRUE(registry.add(std::make_unique<EchoTool>()).ok());
  auto out = registry.dispatch({.name = "echo", .arguments = {{"text", "hi"}}});
  ASSERT_TRUE(out.ok());
  EXPECT_EQ(*out, (ToolOutput{.text = "hi", .is_error = false}));
  EXPECT_EQ(registry.names(), std::vector<std::string>{"echo"});
}

TEST(ToolRegistry, RefusesADuplicateName) {
  ToolRegistry registry;
  ASSERT_TRUE(registry.add(std::make_unique<EchoTool>()).ok());
  auto again = registry.add(std::make_unique<EchoTool>());
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.error().code, ErrorCode::kAlreadyExists);
}

TEST(ToolRegistry, UnknownToolIsAModelVisibleError) {
  ToolRegistry registry;
  ASSERT_TRUE(registry.add(std::make_unique<EchoTool>()).ok());
  auto out = registry.dispatch({.name = "rm_rf", .arguments = nlohmann::json::object()});
  ASSERT_TRUE(out.ok());
  EXPECT_EQ(*out, (ToolOutput{.text = "unknown tool 'rm_rf'; available tools: echo", .is_error = true}));
}

}  // namespace
}  // namespace seek::tools
