// Loading [[approval.rules]] from TOML (toml++). The only translation unit with toml++.
#include <toml++/toml.h>

#include <algorithm>
#include <fstream>
#include <sstream>

#include "base/fs.h"
#include "tools/approval.h"

namespace seek::tools {
namespace {

Result<std::vector<std::string>> string_list(const toml::node* node, const std::string& where) {
  std::vector<std::string> out;
  if (!node) return out;
  const toml::array* array = node->as_array();
  if (!array) return make_error(ErrorCode::kInvalidArgument, where + " must be a list of strings");
  for (const auto& item : *array) {
    auto value = item.value<std::string>();
    if (!value) return make_error(ErrorCode::kInvalidArgument, where + " must be a list of strings");
    out.push_back(*value);
  }
  return out;
}

// This toml++ build reports parse errors by exception; they stop here, as an error naming
// the file and line.
Result<toml::table> parse_toml(std::string_view toml_text, const std::string& source) {
  try {
    return toml::parse(toml_text, source);
  } catch (const toml::parse_error& error) {
    return make_error(ErrorCode::kInvalidArgument,
                      source + ":" + std::to_string(error.source().begin.line) + ": " + std::string(error.description()));
  }
}

}  // namespace

Result<std::vector<ApprovalRule>> parse_approval_rules(std::string_view toml_text, const std::string& source) {
  SEEK_ASSIGN_OR_RETURN(toml::table parsed, parse_toml(toml_text, source));
  std::vector<ApprovalRule> rules;
  const toml::array* list = parsed["approval"]["rules"].as_array();
  if (!list) return rules;
  for (std::size_t i = 0; i < list->size(); ++i) {
    const toml::table* table = (*list)[i].as_table();
    const std::string where = source + ": approval.rules[" + std::to_string(i) + "]";
    if (!table) return make_error(ErrorCode::kInvalidArgument, where + " is not a table");
    ApprovalRule rule;
    rule.source = where;
    const auto decision = (*table)["decision"].value<std::string>();
    if (!decision || (*decision != "allow" && *decision != "ask" && *decision != "deny")) {
      return make_error(ErrorCode::kInvalidArgument, where + ": decision must be \"allow\", \"ask\" or \"deny\"");
    }
    rule.decision = *decision == "allow" ? Decision::kAllow : *decision == "deny" ? Decision::kDeny : Decision::kAsk;
    if (auto tool = (*table)["tool"].value<std::string>()) rule.tool = *tool;
    if (auto path = (*table)["path"].value<std::string>()) rule.path = *path;
    if (const toml::node* command = table->get("command")) {
      if (auto text = command->value<std::string>()) {
        rule.command = shell_request(*text).command;
      } else {
        SEEK_ASSIGN_OR_RETURN(auto words, string_list(command, where + ".command"));
        rule.command = std::move(words);
      }
      if (rule.command->empty()) return make_error(ErrorCode::kInvalidArgument, where + ": command is empty");
    }
    if (!rule.tool && !rule.command && !rule.path) {
      return make_error(ErrorCode::kInvalidArgument, where + ": a rule needs a tool, a command or a path");
    }
    SEEK_ASSIGN_OR_RETURN(rule.examples_match, string_list(table->get("examples_match"), where + ".examples_match"));
    SEEK_ASSIGN_OR_RETURN(rule.examples_no_match, string_list(table->get("examples_no_match"), where + ".examples_no_match"));
    for (const auto& [key, value] : *table) {
      static const std::vector<std::string_view> known = {"decision", "tool", "path", "command", "examples_match",
                                                          "examples_no_match"};
      if (std::find(known.begin(), known.end(), key.str()) == known.end()) {
        return make_error(ErrorCode::kInvalidArgument, where + ": unknown key '" + std::string(key.str()) + "'");
      }
    }
    rules.push_back(std::move(rule));
  }
  return rules;
}

std::string default_user_config_path() {
  auto dir = user_dir(UserDir::kConfig);
  return dir.ok() ? (*dir / "config.toml").string() : std::string();  // no home: no user config
}

Result<std::vector<HookSpec>> parse_hooks(std::string_view toml_text, const std::string& source) {
  SEEK_ASSIGN_OR_RETURN(toml::table parsed, parse_toml(toml_text, source));
  std::vector<HookSpec> hooks;
  if (!parsed.contains("hooks")) return hooks;
  const toml::array* list = parsed["hooks"].as_array();
  // "[hooks]" for "[[hooks]]" would otherwise leave a guard the user counts on silently off.
  if (!list) return make_error(ErrorCode::kInvalidArgument, source + ": hooks must be an array of tables ([[hooks]])");
  for (std::size_t i = 0; i < list->size(); ++i) {
    const toml::table* t = list->get(i)->as_table();
    const std::string where = source + ": hook " + std::to_string(i + 1);
    if (!t) return make_error(ErrorCode::kInvalidArgument, where + " is not a table");
    HookSpec hook;
    hook.source = where;
    hook.event = (*t)["event"].value_or(std::string());
    if (hook.event != "pre_tool" && hook.event != "post_tool") {
      return make_error(ErrorCode::kInvalidArgument, where + ": event must be \"pre_tool\" or \"post_tool\"");
    }
    hook.command = (*t)["command"].value_or(std::string());
    if (hook.command.empty()) return make_error(ErrorCode::kInvalidArgument, where + ": command is required");
    if (const toml::node* tools = t->get("tools")) {
      SEEK_ASSIGN_OR_RETURN(hook.tools, string_list(tools, where + ": tools"));
    }
    if (t->contains("timeout_ms") && !(*t)["timeout_ms"].is_integer()) {
      return make_error(ErrorCode::kInvalidArgument, where + ": timeout_ms must be an integer");
    }
    const std::int64_t ms = (*t)["timeout_ms"].value_or(std::int64_t{10'000});
    if (ms < 1 || ms > 600'000) return make_error(ErrorCode::kInvalidArgument, where + ": timeout_ms must be 1..600000");
    hook.timeout = std::chrono::milliseconds(ms);
    for (const auto& [key, value] : *t) {
      const std::string_view k = key.str();
      if (k != "event" && k != "command" && k != "tools" && k != "timeout_ms") {
        return make_error(ErrorCode::kInvalidArgument, where + ": unknown key '" + std::string(k) + "'");
      }
    }
    hooks.push_back(std::move(hook));
  }
  return hooks;
}

Result<LoadedApprovals> load_approval_policy(const std::string& user_config_path, const std::string& repository_root) {
  LoadedApprovals loaded;
  const auto read = [](const std::string& path) -> std::optional<std::string> {
    std::ifstream file(path, std::ios::binary);
    if (!file) return std::nullopt;
    std::ostringstream text;
    text << file.rdbuf();
    return text.str();
  };
  if (auto text = read(user_config_path)) {
    SEEK_ASSIGN_OR_RETURN(auto rules, parse_approval_rules(*text, user_config_path));
    SEEK_RETURN_IF_ERROR(loaded.policy.add_user_rules(std::move(rules)));
  }
  const std::string repo_config = repository_root + "/.seek/config.toml";
  if (auto text = read(repo_config)) {
    auto rules = parse_approval_rules(*text, repo_config);
    if (!rules.ok()) {
      loaded.warnings.push_back(rules.error().message + " (repository approval rules ignored)");
    } else {
      auto warnings = loaded.policy.add_repository_rules(std::move(*rules));
      loaded.warnings.insert(loaded.warnings.end(), warnings.begin(), warnings.end());
    }
  }
  return loaded;
}

}  // namespace seek::tools
