// The agent loop's branches with a scripted in-process chat backend and fake tools: a tool
// error goes back to the model, malformed arguments up to the limit, the step limit, a
// denied call (untrusted, nobody to ask), a host fault ending the run, cancellation, and
// the events each step emits.
#include "agent/agent_loop.h"
#include "tests/agent/scripted_chat.h"

#include <gtest/gtest.h>

#include <chrono>
#include <deque>
#include <thread>

namespace seek::agent {
namespace {

using Json = nlohmann::json;

struct Fixture {
  tools::ToolRegistry registry;
  tools::ApprovalPolicy policy;
  std::vector<Json> events;
  Fixture() {
    (void)registry.add(std::make_unique<FakeTool>("look", false, [](const Json& a) -> Result<tools::ToolOutput> {
      return tools::ToolOutput{"saw " + a.value("what", "?"), false};
    }));
    (void)registry.add(std::make_unique<FakeTool>("fail", false, [](const Json&) -> Result<tools::ToolOutput> {
      return tools::ToolOutput{"error: no such file", true};
    }));
    (void)registry.add(std::make_unique<FakeTool>("write", true, [](const Json&) -> Result<tools::ToolOutput> {
      return tools::ToolOutput{"written", false};
    }));
    (void)registry.add(std::make_unique<FakeTool>("crash", false, [](const Json&) -> Result<tools::ToolOutput> {
      return make_error(ErrorCode::kIo, "disk on fire");
    }));
  }
  RunOutcome run(engine::ChatGenerator& backend, AgentConfig config, Json& transcript) {
    std::atomic<bool> cancel{false};
    AgentLoop loop(backend, registry, policy, std::move(config));
    return loop.run("do it", transcript, [&](const Json& e) { events.push_back(e); }, cancel);
  }
};

TEST(AgentLoop, ToolErrorsGoBackToTheModelAndTheRunCompletes) {
  Fixture f;
  ScriptedChat chat({call("fail", "{}"), call("look", R"({"what":"x"})"), say("done")});
  Json transcript = Json::array();
  const RunOutcome out = f.run(chat, {}, transcript);
  EXPECT_EQ(out.status, RunStatus::kCompleted);
  EXPECT_EQ(out.usage.total_tokens, 30);
  ASSERT_EQ(chat.seen.size(), 3u);
  EXPECT_EQ(chat.seen[1].back()["role"], "tool");
  EXPECT_EQ(chat.seen[1].back()["content"], "error: no such file");
  EXPECT_EQ(chat.seen[2].back()["content"], "saw x");
  EXPECT_EQ(transcript.back()["content"], "done");
  std::vector<std::string> types;
  for (const Json& e : f.events) types.push_back(e["type"]);
  EXPECT_EQ(types, (std::vector<std::string>{"tool_call", "approval", "tool_result", "tool_call", "approval", "tool_result",
                                             "assistant_delta"}));
}

TEST(AgentLoop, MalformedArgumentsEndTheRunAtTheLimit) {
  Fixture f;
  ScriptedChat chat({call("look", "{not json")}, /*repeat_last=*/true);
  AgentConfig config;
  config.limits.max_consecutive_format_errors = 3;
  Json transcript = Json::array();
  EXPECT_EQ(f.run(chat, config, transcript).status, RunStatus::kTooManyFormatErrors);
  EXPECT_EQ(chat.seen.size(), 3u);
  EXPECT_NE(transcript.back()["content"].get<std::string>().find("not a JSON object"), std::string::npos);
}

TEST(AgentLoop, StepLimit) {
  Fixture f;
  ScriptedChat chat({call("look", "{}")}, /*repeat_last=*/true);
  AgentConfig config;
  config.limits.max_steps = 4;
  Json transcript = Json::array();
  EXPECT_EQ(f.run(chat, config, transcript).status, RunStatus::kStepLimit);
  EXPECT_EQ(chat.seen.size(), 4u);
}

TEST(AgentLoop, UntrustedWithNobodyToAskDeniesMutatingCallsOnly) {
  Fixture f;
  ScriptedChat chat({call("write", "{}"), call("look", "{}"), say("ok")});
  AgentConfig config;
  config.approval = ApprovalMode::kUntrusted;
  Json transcript = Json::array();
  EXPECT_EQ(f.run(chat, config, transcript).status, RunStatus::kCompleted);
  EXPECT_NE(chat.seen[1].back()["content"].get<std::string>().find("denied"), std::string::npos);
  EXPECT_EQ(chat.seen[2].back()["content"], "saw ?");
  int denied = 0;
  for (const Json& e : f.events) denied += e["type"] == "approval" && e["decision"] == "denied";
  EXPECT_EQ(denied, 1);
  // With someone to ask who says yes, the write runs.
  Fixture g;
  ScriptedChat chat2({call("write", "{}"), say("ok")});
  config.ask = [](const std::string&, const Json&) { return true; };
  Json t2 = Json::array();
  EXPECT_EQ(g.run(chat2, config, t2).status, RunStatus::kCompleted);
  EXPECT_EQ(chat2.seen[1].back()["content"], "written");
}

TEST(AgentLoop, HostFaultsEndTheRunAndBackendErrorsToo) {
  Fixture f;
  ScriptedChat chat({call("crash", "{}"), say("never")});
  Json transcript = Json::array();
  const RunOutcome out = f.run(chat, {}, transcript);
  EXPECT_EQ(out.status, RunStatus::kFailed);
  EXPECT_NE(out.error.find("disk on fire"), std::string::npos);
  ScriptedChat empty({});
  Json t2 = Json::array();
  EXPECT_EQ(f.run(empty, {}, t2).status, RunStatus::kFailed);
}

TEST(AgentLoop, TimeLimit) {
  Fixture f;
  class SlowChat final : public engine::ChatGenerator {
   public:
    std::string name() const override { return "slow"; }
    Result<engine::ChatResult> chat(const engine::ChatRequest&, seek::FunctionRef<void(const engine::ChatEvent&)>,
                                    const std::atomic<bool>&) override {
      std::this_thread::sleep_for(std::chrono::milliseconds(60));
      return call("look", "{}");
    }
  } slow;
  AgentConfig config;
  config.limits.max_wall_time = std::chrono::milliseconds(150);
  Json transcript = Json::array();
  EXPECT_EQ(f.run(slow, config, transcript).status, RunStatus::kTimeLimit);
}

TEST(AgentLoop, CompactsOlderTurnsIntoASummaryNearTheBudget) {
  Fixture f;
  // Ten tool steps with bulky results, then done; the compaction request gets a summary.
  class Chatty final : public engine::ChatGenerator {
   public:
    std::string name() const override { return "chatty"; }
    Result<engine::ChatResult> chat(const engine::ChatRequest& r, seek::FunctionRef<void(const engine::ChatEvent&)>,
                                    const std::atomic<bool>&) override {
      if (r.messages[0]["content"].get<std::string>().find("compact") != std::string::npos) {
        ++compactions;
        return say("read files a..j; all fine");
      }
      sizes.push_back(estimate_tokens(r.messages));
      return ++calls <= 10 ? call("look", R"({"what":")" + std::string(400, 'x') + R"("})") : say("done");
    }
    int calls = 0, compactions = 0;
    std::vector<std::int64_t> sizes;
  } chat;
  AgentConfig config;
  config.context_budget_tokens = 1000;
  config.system_prompt = "sys";
  Json transcript = Json::array();
  EXPECT_EQ(f.run(chat, config, transcript).status, RunStatus::kCompleted);
  EXPECT_GE(chat.compactions, 1);
  for (std::int64_t size : chat.sizes) EXPECT_LE(size, 1000 + 400) << "every request stays near the budget";
  EXPECT_EQ(transcript[0]["role"], "system");
  EXPECT_EQ(transcript[1]["content"], "do it");  // the task survives compaction
  bool summary = false;
  for (const Json& m : transcript) summary |= m["content"].is_string() && m["content"].get<std::string>().find("read files a..j") != std::string::npos;
  EXPECT_TRUE(summary);
  int compaction_events = 0;
  for (const Json& e : f.events) compaction_events += e["type"] == "compaction";
  EXPECT_EQ(compaction_events, chat.compactions);
  // No kept tool result lost its call: every tool message follows an assistant with calls.
  for (std::size_t i = 0; i < transcript.size(); ++i) {
    if (transcript[i]["role"] != "tool") continue;
    std::size_t j = i;
    while (j > 0 && transcript[j - 1]["role"] == "tool") --j;
    ASSERT_GT(j, 0u);
    EXPECT_TRUE(transcript[j - 1].contains("tool_calls")) << i;
  }
}

// A call that asks for more than the sandbox gives (network, no sandbox) is asked about
// under on-request even where the rules would let it run; refused under never and when
// nobody can be asked; runs without asking when the sandbox is danger-full-access anyway.
TEST(AgentLoop, EscalatedCallsAreAskedAboutUnderOnRequest) {
  struct Case {
    ApprovalMode mode;
    bool someone_to_ask;
    bool unrestricted;
    std::string decision, decided_by;
  };
  for (const Case& c : {Case{ApprovalMode::kOnRequest, true, false, "approved", "user"},
                        Case{ApprovalMode::kOnRequest, false, false, "denied", "nobody-to-ask"},
                        Case{ApprovalMode::kNever, true, false, "denied", "never-asks"},
                        Case{ApprovalMode::kOnRequest, false, true, "approved", "within-sandbox"}}) {
    Fixture f;
    int asked = 0;
    (void)f.registry.add(std::make_unique<FakeTool>("shell", true, [](const Json&) -> Result<tools::ToolOutput> {
      return tools::ToolOutput{"ran", false};
    }));
    ScriptedChat chat({call("shell", R"({"command":"curl example.com","network":true,"justification":"docs"})"), say("ok")});
    AgentConfig config;
    config.approval = c.mode;
    config.sandbox_unrestricted = c.unrestricted;
    if (c.someone_to_ask) config.ask = [&](const std::string&, const Json&) { ++asked; return true; };
    Json transcript = Json::array();
    EXPECT_EQ(f.run(chat, config, transcript).status, RunStatus::kCompleted);
    const Json approval = *std::find_if(f.events.begin(), f.events.end(), [](const Json& e) { return e["type"] == "approval"; });
    EXPECT_EQ(approval["decision"], c.decision) << approval.dump();
    EXPECT_EQ(approval["decided_by"], c.decided_by) << approval.dump();
    EXPECT_EQ(asked, c.decided_by == "user" ? 1 : 0);
    EXPECT_EQ(chat.seen[1].back()["content"] == "ran", c.decision == "approved");
  }
}

// A pre_tool hook's block is a denial the model hears about (the tool does not run); a
// post_tool hook's feedback follows the tool's output.
TEST(AgentLoop, HooksBlockAndGiveFeedback) {
  Fixture f;
  int writes = 0;
  (void)f.registry.add(std::make_unique<FakeTool>("edit", true, [&](const Json&) -> Result<tools::ToolOutput> {
    ++writes;
    return tools::ToolOutput{"edited", false};
  }));
  ScriptedChat chat({call("edit", R"({"path":"secret.txt"})"), call("edit", R"({"path":"a.py"})"), say("ok")});
  AgentConfig config;
  config.pre_tool_hook = [](const std::string&, const Json& args) -> std::optional<std::string> {
    if (args.value("path", "") == "secret.txt") return "no secrets";
    return std::nullopt;
  };
  config.post_tool_hook = [](const std::string&, const Json&, const std::string& output, bool) -> std::optional<std::string> {
    return "lint ran on: " + output;
  };
  Json transcript = Json::array();
  EXPECT_EQ(f.run(chat, config, transcript).status, RunStatus::kCompleted);
  EXPECT_EQ(writes, 1);
  EXPECT_EQ(chat.seen[1].back()["content"], "denied by a hook: no secrets");
  EXPECT_EQ(chat.seen[2].back()["content"], "edited\n[hook] lint ran on: edited");
  const Json denial = *std::find_if(f.events.begin(), f.events.end(), [](const Json& e) { return e["type"] == "approval"; });
  EXPECT_EQ(denial["decision"], "denied");
  EXPECT_EQ(denial["decided_by"], "hook");
}

// Argument names other agents taught models reach our tools under our names.
TEST(AgentLoop, ForeignArgumentNamesAreRenamedToOurs) {
  class EditLike final : public tools::ToolHandler {
   public:
    std::string name() const override { return "edit"; }
    Json schema() const override {
      return {{"type", "object"},
              {"properties", {{"path", {{"type", "string"}}}, {"old_string", {{"type", "string"}}}, {"new_string", {{"type", "string"}}}}}};
    }
    bool is_mutating() const override { return false; }
    Result<tools::ToolOutput> handle(const tools::ToolInvocation& call) override {
      seen = call.arguments;
      return tools::ToolOutput{"ok", false};
    }
    Json seen;
  };
  Fixture f;
  auto tool = std::make_unique<EditLike>();
  EditLike* edit = tool.get();
  (void)f.registry.add(std::move(tool));
  ScriptedChat chat({call("edit", R"({"file_path":"a.py","old_str":"x","new_str":"y","path_hint":1})"), say("done")});
  Json transcript = Json::array();
  EXPECT_EQ(f.run(chat, {}, transcript).status, RunStatus::kCompleted);
  EXPECT_EQ(edit->seen, Json::parse(R"({"path":"a.py","old_string":"x","new_string":"y","path_hint":1})"));
}

}  // namespace
}  // namespace seek::agent
