// Approval rule matching and decisions (see approval.h).
#include "tools/approval.h"

#include <fnmatch.h>

#include "tools/file_walk.h"

namespace seek::tools {
namespace {

bool prefix_matches(const std::vector<std::string>& pattern, const std::vector<std::string>& words) {
  std::size_t i = 0;
  for (; i < pattern.size(); ++i) {
    if (pattern[i] == "**") return true;
    if (i >= words.size()) return false;
    if (pattern[i] != "*" && fnmatch(pattern[i].c_str(), words[i].c_str(), 0) != 0) return false;
  }
  return true;  // a prefix: more words may follow
}

// Test runners, so that "run the tests" covers the equivalent ways of running them.
const std::vector<std::vector<std::string>>& test_commands() {
  static const std::vector<std::vector<std::string>> commands = {
      {"ctest"}, {"pytest"}, {"pytest-3"}, {"python3", "-m", "pytest"}, {"python", "-m", "pytest"}, {"go", "test"},
      {"cargo", "test"}, {"npm", "test"}, {"npm", "run", "test"}, {"make", "test"}, {"make", "check"}};
  return commands;
}

const std::vector<std::vector<std::string>>& build_commands() {
  static const std::vector<std::vector<std::string>> commands = {
      {"cmake", "--build"}, {"make"}, {"ninja"}, {"cargo", "build"}, {"go", "build"}, {"npm", "run", "build"}};
  return commands;
}

}  // namespace

std::string_view to_string(Decision decision) {
  switch (decision) {
    case Decision::kAllow: return "allow";
    case Decision::kAsk: return "ask";
    case Decision::kDeny: return "deny";
  }
  return "ask";
}

ApprovalRequest shell_request(std::string_view line) {
  ApprovalRequest request;
  request.tool = "shell";
  std::string word;
  bool in_word = false;
  char quote = 0;
  for (std::size_t i = 0; i < line.size(); ++i) {
    const char c = line[i];
    if (quote) {
      if (c == quote) {
        quote = 0;
      } else if (c == '\\' && quote == '"' && i + 1 < line.size()) {
        word.push_back(line[++i]);
      } else {
        if (quote == '"' && (c == '$' || c == '`')) request.compound_command = true;  // substitution
        word.push_back(c);
      }
      continue;
    }
    if (c == '\'' || c == '"') {
      quote = c;
      in_word = true;
    } else if (c == '\\' && i + 1 < line.size()) {
      word.push_back(line[++i]);
      in_word = true;
    } else if (c == ' ' || c == '\t') {
      if (in_word) request.command.push_back(std::move(word));
      word.clear();
      in_word = false;
    } else if (std::string_view(";&|<>`$()\n{}").find(c) != std::string_view::npos) {
      request.compound_command = true;
      word.push_back(c);
      in_word = true;
    } else {
      word.push_back(c);
      in_word = true;
    }
  }
  if (in_word) request.command.push_back(std::move(word));
  if (quote) request.compound_command = true;  // unbalanced: do not trust the split
  return request;
}

bool ApprovalRule::matches(const ApprovalRequest& request) const {
  if (tool && fnmatch(tool->c_str(), request.tool.c_str(), 0) != 0) return false;
  if (command) {
    if (request.command.empty() || !prefix_matches(*command, request.command)) return false;
    // A chained or redirected command line is more than the prefix says: allow rules never
    // cover it (deny and ask rules still do, which only makes things stricter).
    if (decision == Decision::kAllow && request.compound_command) return false;
  }
  if (path) {
    if (request.paths.empty()) return false;
    for (const auto& p : request.paths) {
      if (!glob_match(*path, p)) return false;
    }
  }
  return true;
}

std::optional<Grant> capability_for(const ApprovalRequest& request) {
  // "run the tests" / "build" cover the tool and every equivalent runner command line.
  const auto grant_for = [](const std::string& capability) {
    Grant grant{capability, {}};
    grant.rule.decision = Decision::kAllow;
    grant.rule.source = "grant:" + capability;
    grant.rule.tool = capability == "run-tests" ? "test" : "build";
    return grant;
  };
  if (request.tool == "test") return grant_for("run-tests");
  if (request.tool == "build") return grant_for("build");
  if (request.tool == "shell" && !request.compound_command) {
    for (const auto& [commands, capability] : {std::pair{&test_commands(), "run-tests"}, std::pair{&build_commands(), "build"}}) {
      for (const auto& prefix : *commands) {
        if (prefix_matches(prefix, request.command)) return grant_for(capability);
      }
    }
  }
  if (request.mutating && !request.paths.empty() && request.command.empty()) {
    // Writes below the first path's directory.
    const std::string& first = request.paths.front();
    const auto slash = first.find('/');
    const std::string dir = slash == std::string::npos ? "" : first.substr(0, slash);
    Grant grant{dir.empty() ? "write:*" : "write:" + dir + "/**", {}};
    grant.rule.decision = Decision::kAllow;
    grant.rule.source = "grant:" + grant.capability;
    grant.rule.path = dir.empty() ? "*" : dir + "/**";
    return grant;
  }
  return std::nullopt;
}

Status check_examples(const ApprovalRule& rule) {
  const auto request_for = [&](const std::string& example) {
    // "tool:path" for file tools, else a shell command line.
    if (!rule.command && example.find(':') != std::string::npos && example.find(' ') == std::string::npos) {
      ApprovalRequest r;
      r.tool = example.substr(0, example.find(':'));
      r.paths = {example.substr(example.find(':') + 1)};
      return r;
    }
    return shell_request(example);
  };
  for (const auto& example : rule.examples_match) {
    if (!rule.matches(request_for(example))) {
      return make_error(ErrorCode::kInvalidArgument,
                        rule.source + ": the rule does not match its example '" + example + "'");
    }
  }
  for (const auto& example : rule.examples_no_match) {
    if (rule.matches(request_for(example))) {
      return make_error(ErrorCode::kInvalidArgument,
                        rule.source + ": the rule matches '" + example + "', which it lists as not matching");
    }
  }
  return ok_status();
}

Status ApprovalPolicy::add_user_rules(std::vector<ApprovalRule> rules) {
  for (const auto& rule : rules) SEEK_RETURN_IF_ERROR(check_examples(rule));
  for (auto& rule : rules) rules_.push_back(std::move(rule));
  return ok_status();
}

std::vector<std::string> ApprovalPolicy::add_repository_rules(std::vector<ApprovalRule> rules) {
  std::vector<std::string> warnings;
  for (auto& rule : rules) {
    if (rule.decision == Decision::kAllow) {
      warnings.push_back(rule.source + ": a repository may not loosen approvals; this allow rule is ignored");
      continue;
    }
    if (Status s = check_examples(rule); !s.ok()) {
      // A broken repository rule still tightens: keep it, but say so.
      warnings.push_back(s.error().message);
    }
    rules_.push_back(std::move(rule));
  }
  return warnings;
}

namespace {

// Whether a granted capability covers the request: the same capability, or the grant's rule.
bool grant_covers(const Grant& grant, const ApprovalRequest& request) {
  if (grant.rule.matches(request)) return true;
  const auto capability = capability_for(request);
  return capability && capability->capability == grant.capability;
}

}  // namespace

ApprovalPolicy::Verdict ApprovalPolicy::decide(const ApprovalRequest& request) const {
  const ApprovalRule* ask = nullptr;
  const ApprovalRule* allow = nullptr;
  for (const auto& rule : rules_) {
    if (!rule.matches(request)) continue;
    if (rule.decision == Decision::kDeny) return {Decision::kDeny, "denied by " + rule.source};
    if (rule.decision == Decision::kAsk && !ask) ask = &rule;
    if (rule.decision == Decision::kAllow && !allow) allow = &rule;
  }
  if (ask) return {Decision::kAsk, "asked by " + ask->source};
  if (allow) return {Decision::kAllow, "allowed by " + allow->source};
  for (const auto& grant : grants_) {
    if (grant_covers(grant, request)) return {Decision::kAllow, "granted: " + grant.capability};
  }
  if (!request.mutating) return {Decision::kAllow, "read-only tool"};
  return {Decision::kAsk, "no rule allows it"};
}

}  // namespace seek::tools
