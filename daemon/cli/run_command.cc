// `seek run` (see commands.h): the agent loop on one task, headless: events as JSON lines
// (--json) or a readable streaming log, the session transcript on disk.
#include "daemon/cli/commands.h"

#include <unistd.h>

#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdio>


namespace seek::daemon {
namespace {

using Json = nlohmann::json;

std::atomic<bool> g_cancel{false};
extern "C" void on_interrupt(int) { g_cancel = true; }

int usage_error(const std::string& message) {
  std::fprintf(stderr, "seek run: %s\n", message.c_str());
  return 2;
}

// The readable log: deltas as they stream, reasoning dimmed, each tool call and result.
void print_event(const Json& event) {
  const std::string type = event.value("type", "");
  if (type == "assistant_delta") std::fputs(event.value("text", "").c_str(), stdout);
  if (type == "reasoning_delta") std::fprintf(stdout, "\x1b[2m%s\x1b[0m", event.value("text", "").c_str());
  if (type == "tool_call") std::fprintf(stdout, "\n→ %s %s\n", event.value("name", "").c_str(), safe_dump(event["arguments"]).c_str());
  if (type == "tool_result") {
    std::string out = event.value("output", "");
    if (out.size() > 800) out = out.substr(0, 800) + "…";
    std::fprintf(stdout, "%s%s\n", event.value("is_error", false) ? "✗ " : "✓ ", out.c_str());
  }
  if (type == "approval" && event.value("decision", "") == "denied") std::fprintf(stdout, "denied: %s\n", event.value("name", "").c_str());
  if (type == "error") std::fprintf(stderr, "seek run: %s\n", event.value("message", "").c_str());
  std::fflush(stdout);
}

}  // namespace

int run_task(const RunOptions& o) {
  if (o.task.empty()) return usage_error("the task is empty");
  auto setup = make_agent_setup(o.flags, "run");
  if (!setup.ok()) return usage_error(setup.error().message);
  AgentSetup& s = **setup;
  if (Status st = agent::apply_mode(s.config, o.mode); !st.ok()) return usage_error(st.error().message);
  // Nobody can be asked without a terminal, or with --json: such calls are denied.
  if (!o.json && ::isatty(STDIN_FILENO)) {
    s.config.ask = [](const std::string& tool, const Json& args) {
      std::fprintf(stderr, "\nseek: allow %s %s? [y/N] ", tool.c_str(), safe_dump(args).c_str());
      char line[16] = {};
      return std::fgets(line, sizeof line, stdin) && (line[0] == 'y' || line[0] == 'Y');
    };
  }
  const std::string id = SessionFile::new_id();
  Json header = s.settings;
  header.update({{"id", id}, {"name", o.task.substr(0, 80)}, {"mode", o.mode}, {"version", 1},
                 {"created", std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count()}});
  auto session = SessionFile::create(header);
  if (!session.ok()) return usage_error(session.error().message);

  const auto emit = [&](const Json& event) {
    if (!o.json) return print_event(event);
    std::fputs((safe_dump(event) + "\n").c_str(), stdout);
    std::fflush(stdout);
  };
  emit({{"type", "session_started"}, {"session_id", id}, {"repo", s.repo.string()}, {"model", o.flags.model}});

  std::signal(SIGINT, on_interrupt);
  agent::AgentLoop loop(*s.backend, s.registry, s.policy, s.config);
  Json transcript = Json::array();
  std::string session_error;
  const auto started = std::chrono::steady_clock::now();
  int steps = 0;
  const agent::RunOutcome outcome = loop.run(o.task, transcript, emit, g_cancel, [&](const Json& t) {
    if (Status st = session->sync(t); !st.ok() && session_error.empty()) session_error = st.error().message;
    if (!o.json) {  // the progress line, once per step
      const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
      std::fprintf(stdout, "\n\x1b[2m── step %d/%d · %zu messages · %.1f s ──\x1b[0m\n", ++steps, o.flags.max_steps, t.size(), seconds);
      std::fflush(stdout);
    }
  });
  (void)session->sync(transcript);
  if (!session_error.empty()) std::fprintf(stderr, "seek run: the session file: %s\n", session_error.c_str());
  emit({{"type", "done"},
        {"status", agent::done_status(outcome.status)},
        {"reason", agent::to_string(outcome.status)},
        {"usage", agent::usage_json(outcome.usage)}});
  if (!o.json) std::fprintf(stdout, "\n[%s] session %s\n", std::string(agent::to_string(outcome.status)).c_str(), id.c_str());
  return outcome.status == agent::RunStatus::kCompleted ? 0 : 1;
}

}  // namespace seek::daemon
