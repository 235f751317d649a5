// grep: regex search over the workspace's text files (PCRE2, ignore rules applied, binary
// files skipped), one "path:line: text" per match, capped.
#define PCRE2_CODE_UNIT_WIDTH 8
#include <fmt/format.h>
#include <pcre2.h>

#include <fstream>

#include "tools/args.h"
#include "tools/file_tools.h"
#include "tools/file_walk.h"

namespace seek::tools {
namespace {

namespace fs = std::filesystem;
constexpr std::size_t kMaxShownLine = 300;

class GrepTool : public ToolHandler {
 public:
  GrepTool(std::shared_ptr<const Workspace> ws, OutputLimits limits) : ws_(std::move(ws)), limits_(limits) {}
  std::string name() const override { return "grep"; }
  bool is_mutating() const override { return false; }
  nlohmann::json schema() const override {
    return {{"type", "object"},
            {"description", "Search file contents with a regular expression (PCRE). Returns path:line: text."},
            {"properties",
             {{"pattern", {{"type", "string"}, {"description", "Regular expression"}}},
              {"path", {{"type", "string"}, {"description", "File or directory to search (default '.')"}}},
              {"glob", {{"type", "string"}, {"description", "Only files matching this glob, e.g. '*.py'"}}},
              {"case_insensitive", {{"type", "boolean"}}}}},
            {"required", {"pattern"}},
            {"additionalProperties", false}};
  }

  Result<ToolOutput> handle(const ToolInvocation& call) override {
    Args args(name(), call.arguments);
    const std::string pattern = args.string("pattern");
    const std::string path_arg = args.optional_string("path").value_or(".");
    const auto glob = args.optional_string("glob");
    const bool caseless = args.optional_bool("case_insensitive", false);
    if (args.problem()) return args.error();
    int error_code = 0;
    PCRE2_SIZE error_offset = 0;
    pcre2_code* code = pcre2_compile(reinterpret_cast<PCRE2_SPTR>(pattern.data()), pattern.size(),
                                     PCRE2_UTF | PCRE2_MATCH_INVALID_UTF | (caseless ? PCRE2_CASELESS : 0u),
                                     &error_code, &error_offset, nullptr);
    if (code == nullptr) {
      PCRE2_UCHAR message[256];
      pcre2_get_error_message(error_code, message, sizeof(message));
      return tool_error(fmt::format("grep: bad regular expression at offset {}: {}", error_offset,
                                    reinterpret_cast<const char*>(message)));
    }
    pcre2_jit_compile(code, PCRE2_JIT_COMPLETE);
    pcre2_match_data* data = pcre2_match_data_create_from_pattern(code, nullptr);
    auto root = ws_->resolve_read(path_arg);
    if (!root.ok()) {
      pcre2_match_data_free(data);
      pcre2_code_free(code);
      return tool_error(root.error().message);
    }
    std::string out;
    std::size_t matches = 0, files = 0;
    const auto search = [&](const fs::path& file_path) {
      if (glob && !glob_match(*glob, file_path.lexically_relative(*root).generic_string()) &&
          !glob_match(*glob, file_path.filename().string())) {
        return;
      }
      auto content = read_whole_file(file_path);
      if (!content.ok() || content->size() > limits_.max_file_bytes || looks_binary(*content)) return;
      ++files;
      std::size_t line_start = 0;
      std::size_t line_number = 0;
      while (line_start < content->size()) {
        std::size_t line_end = content->find('\n', line_start);
        if (line_end == std::string::npos) line_end = content->size();
        ++line_number;
        std::string_view line(content->data() + line_start, line_end - line_start);
        if (pcre2_match(code, reinterpret_cast<PCRE2_SPTR>(line.data()), line.size(), 0, 0, data, nullptr) >= 0) {
          if (matches++ < limits_.max_results) {
            if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
            std::string shown(line.substr(0, kMaxShownLine));
            if (line.size() > kMaxShownLine) shown += " [...]";
            out += fmt::format("{}:{}: {}\n", ws_->display(file_path), line_number, shown);
          }
        }
        line_start = line_end + 1;
      }
    };
    if (fs::is_directory(*root)) {
      walk_workspace(*ws_, *root, 64, [&](const fs::path& path, bool is_dir) {
        if (!is_dir && fs::is_regular_file(path)) search(path);
        return true;
      });
    } else {
      search(*root);
    }
    pcre2_match_data_free(data);
    pcre2_code_free(code);
    if (matches == 0) return ToolOutput{fmt::format("no matches for /{}/ in {} files\n", pattern, files), false};
    if (matches > limits_.max_results) {
      out += fmt::format("[... {} more matches not shown; narrow the pattern or the path ...]\n",
                         matches - limits_.max_results);
    }
    return ToolOutput{cap_output(out, limits_.max_bytes), false};
  }

 private:
  std::shared_ptr<const Workspace> ws_;
  OutputLimits limits_;
};

}  // namespace

std::unique_ptr<ToolHandler> make_grep_tool(std::shared_ptr<const Workspace> ws, OutputLimits limits) {
  return std::make_unique<GrepTool>(std::move(ws), limits);
}

}  // namespace seek::tools
