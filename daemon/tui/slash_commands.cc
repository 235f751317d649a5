// The slash command table (see slash_commands.h).
#include "daemon/tui/slash_commands.h"

#include <fmt/format.h>

namespace seek::daemon::tui {

const std::vector<SlashCommand>& slash_commands() {
  static const std::vector<SlashCommand> commands = {
      {SlashCommandId::kMode, "/mode", "chat|thinking|max", "how much the model reasons before it answers"},
      {SlashCommandId::kModel, "/model", "NAME", "the model of the next turns"},
      {SlashCommandId::kResume, "/resume", "ID", "continue another session (`seek sessions` lists them)"},
      {SlashCommandId::kSessions, "/sessions", "", "the sessions on this repository, newest first"},
      {SlashCommandId::kDiff, "/diff", "", "what the agent changed in the work tree (git diff)"},
      {SlashCommandId::kUndo, "/undo", "", "put back the files of the agent's last edit"},
      {SlashCommandId::kFold, "/fold", "", "fold the reasoning to one line per turn, or show it again"},
      {SlashCommandId::kReasoning, "/reasoning", "", "the last turn's reasoning, in full"},
      {SlashCommandId::kHelp, "/help", "", "this list"},
      {SlashCommandId::kQuit, "/quit", "", "leave (also /exit or Ctrl-D); the session stays resumable"},
  };
  return commands;
}

std::optional<ParsedCommand> parse_slash_command(std::string_view line) {
  if (!line.starts_with("/")) return std::nullopt;
  ParsedCommand parsed;
  const std::size_t space = line.find(' ');
  parsed.name = std::string(line.substr(0, space));
  if (space != std::string_view::npos) {
    std::string_view rest = line.substr(space + 1);
    while (!rest.empty() && rest.front() == ' ') rest.remove_prefix(1);
    while (!rest.empty() && rest.back() == ' ') rest.remove_suffix(1);
    parsed.argument = std::string(rest);
  }
  const std::string_view name = parsed.name == "/exit" ? std::string_view("/quit") : std::string_view(parsed.name);
  for (const SlashCommand& c : slash_commands()) {
    if (c.name == name) parsed.command = &c;
  }
  return parsed;
}

std::string slash_help() {
  std::string out;
  for (const SlashCommand& c : slash_commands()) {
    const std::string usage = c.argument.empty() ? std::string(c.name) : fmt::format("{} {}", c.name, c.argument);
    out += fmt::format("  {:<26}{}\n", usage, c.description);
  }
  out += "  Up/Down: history · Ctrl-R: search it · Ctrl-C: cancel the turn (at the prompt: drop the line)\n";
  return out;
}

}  // namespace seek::daemon::tui
