// read_file: a file's lines with line numbers (cat -n style), a line range, size caps, and
// binary files described instead of dumped.
#include <fmt/format.h>

#include <fstream>

#include "base/utf8.h"
#include "tools/args.h"
#include "tools/file_tools.h"

namespace seek::tools {
namespace {

class ReadFileTool : public ToolHandler {
 public:
  ReadFileTool(std::shared_ptr<const Workspace> ws, OutputLimits limits) : ws_(std::move(ws)), limits_(limits) {}
  std::string name() const override { return "read_file"; }
  bool is_mutating() const override { return false; }
  nlohmann::json schema() const override {
    return {{"type", "object"},
            {"description", "Read a text file. Lines come back numbered (1-based). Use offset/limit for long files."},
            {"properties",
             {{"path", {{"type", "string"}, {"description", "File path, relative to the workspace root"}}},
              {"offset", {{"type", "integer"}, {"minimum", 1}, {"description", "First line to show (default 1)"}}},
              {"limit", {{"type", "integer"}, {"minimum", 1}, {"description", "How many lines to show"}}}}},
            {"required", {"path"}},
            {"additionalProperties", false}};
  }

  Result<ToolOutput> handle(const ToolInvocation& call) override {
    Args args(name(), call.arguments);
    const std::string path_arg = args.string("path");
    const long long offset = args.optional_int("offset", 1, 1LL << 40).value_or(1);
    const long long limit =
        args.optional_int("limit", 1, 1LL << 40).value_or(static_cast<long long>(limits_.max_lines));
    if (args.problem()) return args.error();
    auto path = ws_->resolve_read(path_arg);
    if (!path.ok()) return tool_error(path.error().message);
    std::error_code ec;
    if (std::filesystem::is_directory(*path, ec)) {
      return tool_error(path_arg + " is a directory; use list_dir to see what is in it");
    }
    std::ifstream file(*path, std::ios::binary);
    if (!file) return tool_error("cannot open " + path_arg);
    const auto size = std::filesystem::file_size(*path, ec);
    std::string head(8192, '\0');
    file.read(head.data(), static_cast<std::streamsize>(head.size()));
    head.resize(static_cast<std::size_t>(file.gcount()));
    if (looks_binary(head)) {
      return ToolOutput{fmt::format("{} is a binary file ({} bytes); not shown", ws_->display(*path), size), false};
    }
    if (size == 0) return ToolOutput{fmt::format("{} is empty", ws_->display(*path)), false};
    file.clear();
    file.seekg(0);

    const auto shown_limit = std::min<long long>(limit, static_cast<long long>(limits_.max_lines));
    std::string out;
    std::string line;
    long long number = 0;
    long long shown = 0;
    bool more = false;
    while (std::getline(file, line)) {
      ++number;
      if (number < offset) continue;
      if (shown == shown_limit || out.size() >= limits_.max_bytes) {
        more = true;
        break;
      }
      if (!line.empty() && line.back() == '\r') line.pop_back();
      if (line.size() > limits_.max_line_chars) {
        const std::size_t cut = utf8_floor(line, limits_.max_line_chars);
        line = line.substr(0, cut) + fmt::format(" [... line cut, {} more bytes]", line.size() - cut);
      }
      fmt::format_to(std::back_inserter(out), "{:>6}\t{}\n", number, line);
      ++shown;
    }
    if (shown == 0) {
      return tool_error(fmt::format("{} has {} lines; offset {} is past the end", ws_->display(*path), number, offset));
    }
    if (more) {
      fmt::format_to(std::back_inserter(out), "[... more lines after line {}; read on with offset={} ...]\n",
                     offset + shown - 1, offset + shown);
    }
    return ToolOutput{std::move(out), false};
  }

 private:
  std::shared_ptr<const Workspace> ws_;
  OutputLimits limits_;
};

}  // namespace

std::unique_ptr<ToolHandler> make_read_file_tool(std::shared_ptr<const Workspace> ws, OutputLimits limits) {
  return std::make_unique<ReadFileTool>(std::move(ws), limits);
}

}  // namespace seek::tools
