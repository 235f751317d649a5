// Daemon-hosted sessions with a scripted backend: every watcher sees the same events; an
// approval is answered by a watcher that can approve ("always" covers the rest of the
// session); with no approver the call is denied and the model is told; a turn is
// cancelled; a second host (a restarted daemon) opens the identical transcript and goes
// on; the edit journal restores exactly what an edit overwrote.
#include "agent/session_host.h"

#include <gtest/gtest.h>

#include <condition_variable>
#include <cstdlib>
#include <fstream>
#include <mutex>
#include <thread>

#include "agent/edit_journal.h"
#include "tests/agent/scripted_chat.h"
#include "tests/support/temp_dir.h"

namespace seek::agent {
namespace {

// Records a watcher's notifications; waits for one of a type.
class Recorder {
 public:
  Watcher watcher(bool can_approve) {
    return {[this](const Json& note) {
              std::lock_guard lock(mutex_);
              notes_.push_back(note);
              cv_.notify_all();
            },
            can_approve};
  }
  Json wait_for(const std::string& type, std::size_t nth = 0) {
    std::unique_lock lock(mutex_);
    Json found;
    cv_.wait_for(lock, std::chrono::seconds(10), [&] {
      std::size_t seen = 0;
      for (const Json& n : notes_) {
        if (n["event"]["type"] == type && seen++ == nth) {
          found = n["event"];
          return true;
        }
      }
      return false;
    });
    return found;
  }
  std::vector<Json> notes() {
    std::lock_guard lock(mutex_);
    return notes_;
  }

 private:
  std::mutex mutex_;
  std::condition_variable cv_;
  std::vector<Json> notes_;
};

// A backend that streams one delta and then waits for the cancel flag.
class BlockingChat final : public engine::ChatGenerator {
 public:
  std::string name() const override { return "blocking"; }
  Result<engine::ChatResult> chat(const engine::ChatRequest&, seek::FunctionRef<void(const engine::ChatEvent&)> sink,
                                  const std::atomic<bool>& cancel) override {
    sink(engine::ChatEvent{engine::ChatEvent::Kind::kContentDelta, "working", 0, {}, {}});
    while (!cancel.load()) std::this_thread::sleep_for(std::chrono::milliseconds(5));
    engine::ChatResult r;
    r.finish_reason = "cancelled";
    return r;
  }
};

class SessionHostTest : public ::testing::Test {
 protected:
  void SetUp() override { ::setenv("XDG_DATA_HOME", dir_.path().c_str(), 1); }

  // Each runtime answers from `script` (a fresh copy per runtime) with a "write" tool.
  RuntimeFactory factory(std::deque<engine::ChatResult> script, bool block = false) {
    return [this, script, block](const Json& settings, const Json&) -> Result<std::unique_ptr<SessionRuntime>> {
      if (!settings.contains("repo")) return make_error(ErrorCode::kInvalidArgument, "repo is required");
      auto rt = std::make_unique<SessionRuntime>();
      if (block) {
        rt->backend = std::make_unique<BlockingChat>();
      } else {
        auto chat = std::make_unique<ScriptedChat>(script);
        last_chat = chat.get();
        rt->backend = std::move(chat);
      }
      (void)rt->registry.add(std::make_unique<FakeTool>("write", true, [this](const Json&) -> Result<tools::ToolOutput> {
        ++writes;
        return tools::ToolOutput{"written", false};
      }));
      rt->config.approval = settings.value("approval", "") == "untrusted" ? ApprovalMode::kUntrusted : ApprovalMode::kNever;
      rt->config.system_prompt = "sys";
      rt->settings = {{"repo", settings["repo"]}};
      return rt;
    };
  }
  Json settings(const std::string& approval = "never") { return {{"repo", dir_.path().string()}, {"approval", approval}, {"name", "t"}}; }

  testing::TempDir dir_;
  ScriptedChat* last_chat = nullptr;
  std::atomic<int> writes{0};
};

TEST_F(SessionHostTest, WatchersSeeTheSameEventsAndARestartedHostResumesIdentically) {
  Json before;
  std::string id;
  {
    SessionHost host(factory({call("write", "{}"), say("done")}));
    Recorder a, b;
    auto header = host.create(settings(), Json::object(), a.watcher(false));
    ASSERT_TRUE(header.ok()) << header.error().message;
    id = (*header)["id"];
    ASSERT_TRUE(host.open(id, Json::object(), b.watcher(false)).ok());
    ASSERT_TRUE(host.send(id, "task").ok());
    EXPECT_EQ(a.wait_for("turn_done")["status"], "success");
    b.wait_for("turn_done");
    EXPECT_EQ(a.notes(), b.notes());
    EXPECT_EQ(writes.load(), 1);
    before = (*host.open(id, Json::object()))["transcript"];
    ASSERT_EQ(before.size(), 5u);  // system, user, assistant(call), tool, assistant
  }
  SessionHost restarted(factory({say("again")}));
  auto state = restarted.open(id, Json::object());
  ASSERT_TRUE(state.ok()) << state.error().message;
  EXPECT_EQ((*state)["transcript"], before);
  EXPECT_EQ((*state)["header"]["name"], "t");
  Recorder r;
  ASSERT_TRUE(restarted.open(id, Json::object(), r.watcher(false)).ok());
  ASSERT_TRUE(restarted.send(id, "more").ok());
  r.wait_for("turn_done");
  ASSERT_NE(last_chat, nullptr);
  ASSERT_EQ(last_chat->seen.size(), 1u);
  Json expected = before;
  expected.push_back({{"role", "user"}, {"content", "more"}});
  EXPECT_EQ(last_chat->seen[0], expected) << "the model sees the old transcript exactly, then the new message";
  auto listed = restarted.list();
  ASSERT_EQ(listed.size(), 1u);
  EXPECT_EQ(listed[0]["messages"], 7);
  EXPECT_EQ(listed[0]["live"], true);
}

TEST_F(SessionHostTest, ApprovalsGoToAWatcherThatCanApprove) {
  SessionHost host(factory({call("write", "{}"), call("write", "{}"), call("write", "{}"),
                            call("write", R"({"network":true,"justification":"fetch"})"), say("ok")}));
  Recorder terminal;
  auto header = host.create(settings("untrusted"), Json::object(), terminal.watcher(true));
  ASSERT_TRUE(header.ok());
  const std::string id = (*header)["id"];
  ASSERT_TRUE(host.send(id, "task").ok());
  const Json first = terminal.wait_for("approval_request");
  ASSERT_EQ(first["name"], "write");
  EXPECT_FALSE(host.answer(id, "approval-999", "yes").ok());
  EXPECT_FALSE(host.answer(id, first["request_id"], "maybe").ok());
  ASSERT_TRUE(host.answer(id, first["request_id"], "no").ok());
  const Json second = terminal.wait_for("approval_request", 1);
  ASSERT_TRUE(host.answer(id, second["request_id"], "always").ok());
  // "always" covers the third call, but never one that asks for more than the sandbox.
  const Json escalated = terminal.wait_for("approval_request", 2);
  EXPECT_EQ(escalated["arguments"]["network"], true);
  ASSERT_TRUE(host.answer(id, escalated["request_id"], "yes").ok());
  EXPECT_EQ(terminal.wait_for("turn_done")["status"], "success");
  EXPECT_EQ(writes.load(), 3) << "denied once, then approved always (the third not asked), the escalated one asked";
  std::vector<std::string> decisions;
  for (const Json& n : terminal.notes()) {
    if (n["event"]["type"] == "approval") decisions.push_back(n["event"]["decision"]);
  }
  EXPECT_EQ(decisions, (std::vector<std::string>{"denied", "approved", "approved", "approved"}));
}

TEST_F(SessionHostTest, WithNoApproverTheCallIsDeniedAndTheModelIsTold) {
  SessionHost host(factory({call("write", "{}"), say("ok")}));
  Recorder editor;
  auto header = host.create(settings("untrusted"), Json::object(), editor.watcher(false));
  ASSERT_TRUE(header.ok());
  ASSERT_TRUE(host.send((*header)["id"], "task").ok());
  EXPECT_EQ(editor.wait_for("approval")["decided_by"], "nobody-to-ask");
  editor.wait_for("turn_done");
  EXPECT_EQ(writes.load(), 0);
  EXPECT_NE(last_chat->seen[1].back()["content"].get<std::string>().find("denied"), std::string::npos);
}

TEST_F(SessionHostTest, CancelEndsTheTurnAndTheSessionGoesOn) {
  SessionHost host(factory({}, /*block=*/true));
  Recorder r;
  auto header = host.create(settings(), Json::object(), r.watcher(false));
  ASSERT_TRUE(header.ok());
  const std::string id = (*header)["id"];
  ASSERT_TRUE(host.send(id, "slow").ok());
  r.wait_for("assistant_delta");
  EXPECT_FALSE(host.send(id, "second").ok()) << "one turn at a time";
  EXPECT_FALSE(host.configure(id, {{"mode", "max"}}).ok()) << "not while a turn runs";
  ASSERT_TRUE(host.cancel(id).ok());
  EXPECT_EQ(r.wait_for("turn_done")["status"], "cancelled");
  auto changed = host.configure(id, {{"mode", "max"}});
  ASSERT_TRUE(changed.ok()) << changed.error().message;
  EXPECT_EQ((*changed)["mode"], "max");
  EXPECT_FALSE(host.configure(id, {{"repo", "/"}}).ok());
  EXPECT_FALSE(host.configure(id, {{"mode", "fast"}}).ok());
  EXPECT_FALSE(host.create(Json::object(), Json::object()).ok()) << "the factory's error";
  Json spoofed = settings();
  spoofed["watcher"] = 7;
  EXPECT_FALSE(host.create(spoofed, Json::object()).ok()) << "only the documented settings";
  Json wrong_type = settings();
  wrong_type["name"] = 5;
  EXPECT_FALSE(host.create(wrong_type, Json::object()).ok());
  // turn_done means idle: a watcher may start the next turn the moment it sees it.
  for (int i = 0; i < 3; ++i) {
    ASSERT_TRUE(host.send(id, "slow again").ok()) << i;
    ASSERT_TRUE(host.cancel(id).ok());
    r.wait_for("turn_done", static_cast<std::size_t>(i + 1));
  }
  EXPECT_FALSE(host.send("nope", "x").ok());
}

TEST(EditJournal, UndoRestoresWhatTheLastEditOverwroteAndRemovesWhatItCreated) {
  testing::TempDir repo;
  std::ofstream(repo / "a.txt") << "old a\n";
  auto workspace = tools::Workspace::open(repo.path());
  ASSERT_TRUE(workspace.ok()) << workspace.error().message;
  EditJournal journal(std::move(*workspace));
  const Json patch = {{"patch", "*** Begin Patch\n*** Update File: a.txt\n@@\n-old a\n+new a\n*** Add File: b.txt\n+b\n*** End Patch\n"}};
  journal.before("apply_patch", patch);
  std::ofstream(repo / "a.txt") << "new a\n";
  std::ofstream(repo / "b.txt") << "b\n";
  journal.after(true);
  journal.before("read_file", {{"path", "a.txt"}});  // not an edit: nothing recorded
  journal.after(true);
  journal.before("write_file", {{"path", "../outside.txt"}});  // outside the repository: never
  journal.after(true);
  journal.before("edit", {{"path", "a.txt"}});  // an edit that failed changed nothing: not kept
  journal.after(false);
  EXPECT_EQ(journal.size(), 1u);
  auto restored = journal.undo_last();
  ASSERT_TRUE(restored.ok()) << restored.error().message;
  EXPECT_EQ(restored->size(), 2u);
  std::ifstream in(repo / "a.txt");
  std::string a((std::istreambuf_iterator<char>(in)), {});
  EXPECT_EQ(a, "old a\n");
  EXPECT_FALSE(std::filesystem::exists(repo / "b.txt"));
  EXPECT_FALSE(journal.undo_last().ok());
  EXPECT_EQ(EditJournal::touched_paths("edit", {{"path", "x"}}), std::vector<std::string>{"x"});
}

}  // namespace
}  // namespace seek::agent
