// Approval rules as data: allow / ask / deny by tool, by command prefix (with `*` for one
// argument and `**` for the rest), and by path glob. Deny wins over ask, ask over allow.
// Rules come from the user's config; a repository's .seek/config.toml may only tighten
// (its allow rules are ignored, with a warning). A grant, given when the user approves once,
// covers a capability ("run the tests", "write under src/"), so equivalent calls do not ask
// again. Each rule may carry examples that must and must not match; they are checked when
// the rules are loaded, so a rule that does not do what its author meant is refused.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "base/result.h"

namespace seek::tools {

enum class Decision { kAllow, kAsk, kDeny };
std::string_view to_string(Decision decision);

/// What a tool call asks to do, as the rules see it.
struct ApprovalRequest {
  std::string tool;
  bool mutating = true;
  std::vector<std::string> command;  ///< argv of a shell command (empty for other tools)
  bool compound_command = false;     ///< the shell text has ; && || | $( ` > < and so on
  std::vector<std::string> paths;    ///< workspace-relative paths the call touches
  /// The call asks for more than the sandbox gives (a command with the network, or
  /// without the sandbox): approval modes other than `never` must ask someone.
  bool escalated = false;
  std::string escalation;  ///< what it asks for, for the prompt ("network access")
};

/// Parses a shell command line into words for matching (quotes, escapes) and says whether
/// it chains commands or redirects, which a prefix rule must never silently allow.
ApprovalRequest shell_request(std::string_view command_line);

struct ApprovalRule {
  Decision decision = Decision::kAsk;
  std::optional<std::string> tool;                  ///< glob on the tool name
  std::optional<std::vector<std::string>> command;  ///< prefix; "*" one word, "**" the rest
  std::optional<std::string> path;                  ///< glob every touched path must match
  std::string source;                               ///< where it came from, for messages
  std::vector<std::string> examples_match;          ///< shell command lines (or "tool:path")
  std::vector<std::string> examples_no_match;

  bool matches(const ApprovalRequest& request) const;
};

/// A capability the user granted for the session.
struct Grant {
  std::string capability;  ///< e.g. "run-tests", "write:src/**"
  ApprovalRule rule;       ///< an allow rule describing what it covers
};

/// The built-in capability behind a request, if it has one: "run-tests" for test runners
/// (the test tool, ctest, pytest, go test, cargo test, npm test...), "build", or
/// "write:<dir>/**" for writes below one directory.
std::optional<Grant> capability_for(const ApprovalRequest& request);

class ApprovalPolicy {
 public:
  /// Adds user rules (trusted: any decision).
  Status add_user_rules(std::vector<ApprovalRule> rules);
  /// Adds repository rules: only ask and deny count; allow rules are dropped and reported.
  std::vector<std::string> add_repository_rules(std::vector<ApprovalRule> rules);
  void grant(Grant grant) { grants_.push_back(std::move(grant)); }

  /// The decision for a request, and the rule or grant that decided it.
  struct Verdict {
    Decision decision;
    std::string reason;
  };
  Verdict decide(const ApprovalRequest& request) const;

 private:
  std::vector<ApprovalRule> rules_;
  std::vector<Grant> grants_;
};

/// Checks a rule's examples; the error names the rule and the example that fails.
Status check_examples(const ApprovalRule& rule);

/// Parses `[[approval.rules]]` from TOML text (a config file); `source` names it in errors.
Result<std::vector<ApprovalRule>> parse_approval_rules(std::string_view toml_text, const std::string& source);

/// The user config ($XDG_CONFIG_HOME/seek/config.toml, default ~/.config) and then the
/// repository's <root>/.seek/config.toml, either of which may be absent. A broken user config
/// is an error; a broken repository config only tightens (warnings say what was dropped).
struct LoadedApprovals {
  ApprovalPolicy policy;
  std::vector<std::string> warnings;
};
Result<LoadedApprovals> load_approval_policy(const std::string& user_config_path, const std::string& repository_root);

/// $XDG_CONFIG_HOME/seek/config.toml (or ~/.config/seek/config.toml).
std::string default_user_config_path();

/// A hook from `[[hooks]]` in the user config (never a repository's: a hook runs a command
/// unsandboxed, so only the user may set one). The agent runs it around tool calls.
struct HookSpec {
  std::string event;               ///< "pre_tool" or "post_tool"
  std::vector<std::string> tools;  ///< name globs; empty: every tool
  std::string command;             ///< sh -c, in the repository root
  std::chrono::milliseconds timeout{10'000};
  std::string source;  ///< "FILE: hook N", for messages
};

/// Parses `[[hooks]]` from TOML text; `source` names it in errors.
Result<std::vector<HookSpec>> parse_hooks(std::string_view toml_text, const std::string& source);

}  // namespace seek::tools
