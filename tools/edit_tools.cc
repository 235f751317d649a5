// write_file and edit: whole-file writes and exact string replacement, both atomic. A
// replacement must match exactly once (or replace_all); on a miss the closest passage of
// the file is shown so the model can correct itself.
#include <fmt/format.h>

#include <algorithm>

#include "tools/args.h"
#include "tools/file_tools.h"

namespace seek::tools {
namespace {

namespace fs = std::filesystem;

std::size_t count_occurrences(std::string_view text, std::string_view needle) {
  std::size_t count = 0;
  for (std::size_t pos = text.find(needle); pos != std::string_view::npos; pos = text.find(needle, pos + needle.size())) {
    ++count;
  }
  return count;
}

std::vector<std::string_view> split_lines(std::string_view text) {
  std::vector<std::string_view> lines;
  std::size_t start = 0;
  while (start <= text.size()) {
    const std::size_t end = text.find('\n', start);
    if (end == std::string_view::npos) {
      if (start < text.size()) lines.push_back(text.substr(start));
      break;
    }
    lines.push_back(text.substr(start, end - start));
    start = end + 1;
  }
  return lines;
}

// Similarity of two lines in [0, 1] from their longest common subsequence of characters,
// after trimming (indentation mistakes are the most common miss).
double line_similarity(std::string_view a, std::string_view b) {
  const auto trim = [](std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
    return s;
  };
  a = trim(a).substr(0, 200);
  b = trim(b).substr(0, 200);
  if (a.empty() && b.empty()) return 1.0;
  std::vector<int> previous(b.size() + 1, 0), current(b.size() + 1, 0);
  for (char ca : a) {
    for (std::size_t j = 1; j <= b.size(); ++j) {
      current[j] = ca == b[j - 1] ? previous[j - 1] + 1 : std::max(previous[j], current[j - 1]);
    }
    std::swap(previous, current);
  }
  return 2.0 * previous[b.size()] / static_cast<double>(a.size() + b.size());
}

// The window of the file most like `needle` (same number of lines), with line numbers.
std::string closest_passage(std::string_view content, std::string_view needle) {
  const auto file_lines = split_lines(content);
  const auto needle_lines = split_lines(needle);
  if (file_lines.empty() || needle_lines.empty()) return "";
  const std::size_t window = std::min(needle_lines.size(), file_lines.size());
  double best = -1;
  std::size_t best_start = 0;
  for (std::size_t start = 0; start + window <= file_lines.size(); ++start) {
    double score = 0;
    for (std::size_t k = 0; k < window; ++k) score += line_similarity(file_lines[start + k], needle_lines[k]);
    if (score > best) {
      best = score;
      best_start = start;
    }
  }
  // One line of margin on each side, so the model sees where the passage sits.
  const std::size_t first = best_start > 0 ? best_start - 1 : 0;
  const std::size_t last = std::min(file_lines.size(), best_start + window + 1);
  std::string out;
  for (std::size_t k = first; k < last; ++k) fmt::format_to(std::back_inserter(out), "{:>6}\t{}\n", k + 1, file_lines[k]);
  return out;
}

class WriteFileTool : public ToolHandler {
 public:
  WriteFileTool(std::shared_ptr<const Workspace> ws, OutputLimits limits) : ws_(std::move(ws)), limits_(limits) {}
  std::string name() const override { return "write_file"; }
  nlohmann::json schema() const override {
    return {{"type", "object"},
            {"description", "Create or overwrite a file with the given content (atomically). Parent directories are created."},
            {"properties", {{"path", {{"type", "string"}}}, {"content", {{"type", "string"}}}}},
            {"required", {"path", "content"}},
            {"additionalProperties", false}};
  }
  Result<ToolOutput> handle(const ToolInvocation& call) override {
    Args args(name(), call.arguments);
    const std::string path_arg = args.string("path");
    const std::string content = args.string("content");
    if (args.problem()) return args.error();
    auto path = ws_->resolve_write(path_arg);
    if (!path.ok()) return tool_error(path.error().message);
    std::error_code ec;
    if (fs::is_directory(*path, ec)) return tool_error(path_arg + " is a directory");
    const bool existed = fs::exists(*path, ec);
    if (Status s = write_file_atomically(*path, content); !s.ok()) return tool_error(s.error().message);
    return ToolOutput{fmt::format("{} {} ({} bytes)\n", existed ? "overwrote" : "created", ws_->display(*path),
                                  content.size()),
                      false};
  }

 private:
  std::shared_ptr<const Workspace> ws_;
  OutputLimits limits_;
};

class EditTool : public ToolHandler {
 public:
  EditTool(std::shared_ptr<const Workspace> ws, OutputLimits limits) : ws_(std::move(ws)), limits_(limits) {}
  std::string name() const override { return "edit"; }
  nlohmann::json schema() const override {
    return {{"type", "object"},
            {"description",
             "Replace an exact string in a file. old_string must match exactly once (include surrounding lines to make "
             "it unique), or set replace_all."},
            {"properties",
             {{"path", {{"type", "string"}}},
              {"old_string", {{"type", "string"}}},
              {"new_string", {{"type", "string"}}},
              {"replace_all", {{"type", "boolean"}}}}},
            {"required", {"path", "old_string", "new_string"}},
            {"additionalProperties", false}};
  }
  Result<ToolOutput> handle(const ToolInvocation& call) override {
    Args args(name(), call.arguments);
    const std::string path_arg = args.string("path");
    const std::string old_string = args.string("old_string");
    const std::string new_string = args.string("new_string");
    const bool replace_all = args.optional_bool("replace_all", false);
    if (args.problem()) return args.error();
    if (old_string.empty()) return tool_error("edit: old_string is empty; use write_file to create a file");
    if (old_string == new_string) return tool_error("edit: old_string and new_string are the same");
    auto path = ws_->resolve_write(path_arg);
    if (!path.ok()) return tool_error(path.error().message);
    auto content = read_whole_file(*path);
    if (!content.ok()) return tool_error(path_arg + ": no such file (use write_file to create it)");
    const std::size_t count = count_occurrences(*content, old_string);
    if (count == 0) {
      std::string message = fmt::format("edit: old_string was not found in {}.", ws_->display(*path));
      const std::string closest = closest_passage(*content, old_string);
      if (!closest.empty()) message += " The closest passage is:\n" + closest;
      return tool_error(cap_output(message, limits_.max_bytes));
    }
    if (count > 1 && !replace_all) {
      return tool_error(fmt::format(
          "edit: old_string matches {} times in {}; add surrounding lines to make it unique, or set replace_all",
          count, ws_->display(*path)));
    }
    std::string updated;
    updated.reserve(content->size() + count * new_string.size());
    std::size_t from = 0;
    for (std::size_t pos = content->find(old_string); pos != std::string::npos;
         pos = content->find(old_string, pos + old_string.size())) {
      updated.append(*content, from, pos - from);
      updated += new_string;
      from = pos + old_string.size();
      if (!replace_all) break;
    }
    updated.append(*content, from);
    if (Status s = write_file_atomically(*path, updated); !s.ok()) return tool_error(s.error().message);
    return ToolOutput{fmt::format("edited {}: {} replacement{}\n", ws_->display(*path), replace_all ? count : 1,
                                  (replace_all ? count : 1) == 1 ? "" : "s"),
                      false};
  }

 private:
  std::shared_ptr<const Workspace> ws_;
  OutputLimits limits_;
};

}  // namespace

std::unique_ptr<ToolHandler> make_write_file_tool(std::shared_ptr<const Workspace> ws, OutputLimits limits) {
  return std::make_unique<WriteFileTool>(std::move(ws), limits);
}
std::unique_ptr<ToolHandler> make_edit_tool(std::shared_ptr<const Workspace> ws, OutputLimits limits) {
  return std::make_unique<EditTool>(std::move(ws), limits);
}

}  // namespace seek::tools
