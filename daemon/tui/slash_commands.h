// The slash commands of `seek chat`, as one table: each command's name, its argument and
// what it does. /help prints the table; the chat app acts on the parsed command.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace seek::daemon::tui {

enum class SlashCommandId { kMode, kModel, kResume, kSessions, kDiff, kUndo, kFold, kReasoning, kHelp, kQuit };

struct SlashCommand {
  SlashCommandId id;
  std::string_view name;         ///< "/mode"
  std::string_view argument;     ///< "chat|thinking|max"; empty: the command takes none
  std::string_view description;
};

/// Every command, in the order /help lists them.
const std::vector<SlashCommand>& slash_commands();

/// A line that starts with "/": the command it names (nullptr when none does) and its argument.
struct ParsedCommand {
  const SlashCommand* command = nullptr;
  std::string name;      ///< what was typed, for "unknown command"
  std::string argument;  ///< the rest of the line, trimmed
};

/// nullopt when `line` is not a slash command (it is a message for the agent).
std::optional<ParsedCommand> parse_slash_command(std::string_view line);

/// The /help text: one line per command, with its argument and description.
std::string slash_help();

}  // namespace seek::daemon::tui
