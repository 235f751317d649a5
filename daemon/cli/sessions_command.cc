// `seek sessions` (see commands.h).
#include "daemon/cli/commands.h"

#include <fmt/format.h>

#include <cstdio>
#include <ctime>
#include <filesystem>

#include "agent/session_store.h"

namespace seek::daemon {
namespace {

using Json = nlohmann::json;

std::string local_time(double unix_seconds) {
  const std::time_t t = static_cast<std::time_t>(unix_seconds);
  std::tm tm{};
  localtime_r(&t, &tm);
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%d %H:%M", &tm);
  return text;
}

int show(const SessionsOptions& o) {
  auto record = agent::SessionFile::read(o.show);
  if (!record.ok()) {
    std::fprintf(stderr, "seek sessions: %s\n", record.error().message.c_str());
    return 2;
  }
  if (o.json) {
    std::printf("%s\n", agent::safe_dump({{"header", record->header}, {"transcript", record->transcript}}).c_str());
    return 0;
  }
  std::printf("session %s on %s (%s)\n", o.show.c_str(), record->header.value("repo", "").c_str(),
              record->header.value("backend", "").c_str());
  for (const Json& m : record->transcript) {
    const std::string role = m.value("role", "");
    if (role == "system") continue;
    const std::string content = m.contains("content") && m["content"].is_string() ? m["content"].get<std::string>() : "";
    std::printf("[%s] %s\n", role.c_str(), content.substr(0, 2000).c_str());
    if (m.contains("tool_calls")) {
      for (const Json& c : m["tool_calls"]) {
        std::printf("  → %s %s\n", c["function"].value("name", "").c_str(), c["function"].value("arguments", "").substr(0, 200).c_str());
      }
    }
  }
  return 0;
}

}  // namespace

int run_sessions(const SessionsOptions& o) {
  if (!o.show.empty()) return show(o);
  std::optional<std::filesystem::path> repo;
  if (!o.repo.empty()) {
    std::error_code ec;
    repo = std::filesystem::canonical(o.repo, ec);
    if (ec) {
      std::fprintf(stderr, "seek sessions: --repo %s: %s\n", o.repo.c_str(), ec.message().c_str());
      return 2;
    }
  }
  const std::vector<Json> sessions = agent::SessionFile::list(repo);
  if (o.json) {
    for (const Json& s : sessions) std::printf("%s\n", agent::safe_dump(s).c_str());
    return 0;
  }
  if (sessions.empty()) {
    std::printf("no sessions%s\n", repo ? (" on " + repo->string()).c_str() : "");
    return 0;
  }
  // SessionFile::list makes a hand-edited header's text fields text again.
  for (const Json& s : sessions) {
    std::printf("%-20s  %s  %4d msgs  %-8s %s  %s\n", s.value("id", "").c_str(), local_time(s.value("updated", 0.0)).c_str(),
                s.value("messages", 0), s.value("backend", "").c_str(), s.value("repo", "").c_str(), s.value("name", "").c_str());
  }
  return 0;
}

}  // namespace seek::daemon
