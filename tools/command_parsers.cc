// Parsing build diagnostics and test-runner output (see command_tools.h). Pure functions,
// unit-tested on captured outputs.
#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include <map>
#include <memory>
#include <optional>
#include <sstream>

#include "tools/command_tools.h"

namespace seek::tools {
namespace {

// A compiled pattern used line by line.
class LineRegex {
 public:
  explicit LineRegex(const char* pattern) {
    int error = 0;
    PCRE2_SIZE offset = 0;
    code_ = pcre2_compile(reinterpret_cast<PCRE2_SPTR>(pattern), PCRE2_ZERO_TERMINATED, PCRE2_UTF, &error, &offset, nullptr);
    data_ = pcre2_match_data_create(16, nullptr);
  }
  ~LineRegex() {
    pcre2_match_data_free(data_);
    pcre2_code_free(code_);
  }
  LineRegex(const LineRegex&) = delete;
  LineRegex& operator=(const LineRegex&) = delete;
  bool match(std::string_view line, std::vector<std::string>& groups) {
    groups.clear();
    if (!code_) return false;
    const int rc = pcre2_match(code_, reinterpret_cast<PCRE2_SPTR>(line.data()), line.size(), 0, 0, data_, nullptr);
    if (rc < 0) return false;
    const PCRE2_SIZE* v = pcre2_get_ovector_pointer(data_);
    for (int i = 1; i < rc; ++i) {
      groups.emplace_back(v[2 * i] == PCRE2_UNSET ? std::string_view() : line.substr(v[2 * i], v[2 * i + 1] - v[2 * i]));
    }
    return true;
  }

 private:
  pcre2_code* code_ = nullptr;
  pcre2_match_data* data_ = nullptr;
};

std::vector<std::string_view> lines_of(std::string_view text) {
  std::vector<std::string_view> lines;
  std::size_t start = 0;
  while (start < text.size()) {
    std::size_t end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = text.substr(start, end - start);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    lines.push_back(line);
    start = end + 1;
  }
  return lines;
}

int to_int(const std::string& s) { return s.empty() ? 0 : std::atoi(s.c_str()); }

}  // namespace

std::vector<Diagnostic> parse_diagnostics(std::string_view output) {
  LineRegex gcc(R"re(^(?:In file included from )?([^\s:][^:]*):(\d+):(?:(\d+):)? (fatal error|error|warning|note): (.*)$)re");
  LineRegex rust_head(R"re(^(error|warning)(?:\[\w+\])?: (.*)$)re");
  LineRegex rust_at(R"re(^\s*--> ([^:]+):(\d+):(\d+)$)re");
  LineRegex go(R"re(^([^\s:][^:]*\.go):(\d+):(\d+): (.*)$)re");
  LineRegex python(R"re(^\s*File "([^"]+)", line (\d+))re");
  LineRegex python_error(R"re(^(\w+Error|\w+Exception): (.*)$)re");
  LineRegex tsc(R"re(^([^\s(][^(]*)\((\d+),(\d+)\): (error|warning) \w+: (.*)$)re");
  std::vector<Diagnostic> out;
  std::vector<std::string> g;
  std::optional<std::pair<std::string, std::string>> pending_rust;  // severity, message
  std::optional<Diagnostic> pending_python;
  for (std::string_view line : lines_of(output)) {
    if (gcc.match(line, g)) {
      std::string severity = g[3] == "fatal error" ? "error" : g[3];
      out.push_back({g[0], to_int(g[1]), to_int(g[2]), severity, g[4]});
    } else if (tsc.match(line, g)) {
      out.push_back({g[0], to_int(g[1]), to_int(g[2]), g[3], g[4]});
    } else if (go.match(line, g)) {
      out.push_back({g[0], to_int(g[1]), to_int(g[2]), "error", g[3]});
    } else if (rust_head.match(line, g)) {
      pending_rust = std::make_pair(g[0], g[1]);
    } else if (pending_rust && rust_at.match(line, g)) {
      out.push_back({g[0], to_int(g[1]), to_int(g[2]), pending_rust->first, pending_rust->second});
      pending_rust.reset();
    } else if (python.match(line, g)) {
      pending_python = Diagnostic{g[0], to_int(g[1]), 0, "error", ""};
    } else if (pending_python && python_error.match(line, g)) {
      pending_python->message = g[0] + ": " + g[1];
      out.push_back(*pending_python);
      pending_python.reset();
    }
  }
  return out;
}

std::vector<TestCaseResult> parse_test_results(std::string_view runner, std::string_view output) {
  std::vector<TestCaseResult> results;
  std::vector<std::string> g;
  const auto lines = lines_of(output);
  if (runner == "ctest") {
    // "  1/3 Test #1: name ......................   Passed    0.01 sec" and "***Failed".
    LineRegex row(R"re(^\s*\d+/\d+ Test\s+#\d+: (\S+) \.*\s*(\**)(Passed|Failed|Not Run|Timeout|Exception|Subprocess aborted|Skipped)?)re");
    TestCaseResult* last_failed = nullptr;
    for (std::string_view line : lines) {
      if (row.match(line, g)) {
        results.push_back({g[0], g[2] == "Passed" || g[2] == "Skipped", ""});
        last_failed = results.back().passed ? nullptr : &results.back();
        continue;
      }
      // --output-on-failure prints the failing test's output right after its row.
      if (last_failed && line.find("tests passed") == std::string_view::npos) {
        last_failed->failure_output += std::string(line) + "\n";
      } else {
        last_failed = nullptr;
      }
    }
  } else if (runner == "pytest") {
    LineRegex summary(R"re(^(PASSED|FAILED|ERROR|XFAIL|XPASS|SKIPPED) (\S+)(?: - (.*))?$)re");
    LineRegex section(R"re(^_{3,} (.+?) _{3,}$)re");
    std::map<std::string, std::string> failure_text;
    std::string current;
    for (std::string_view line : lines) {
      if (section.match(line, g)) {
        current = g[0];
        continue;
      }
      if (line.rfind("=====", 0) == 0) current.clear();
      if (!current.empty()) failure_text[current] += std::string(line) + "\n";
      if (summary.match(line, g)) {
        const bool passed = g[0] == "PASSED" || g[0] == "XFAIL" || g[0] == "SKIPPED";
        TestCaseResult r{g[1], passed, ""};
        if (!passed) {
          const std::string short_name = g[1].substr(g[1].rfind("::") == std::string::npos ? 0 : g[1].rfind("::") + 2);
          r.failure_output = failure_text.count(short_name) ? failure_text[short_name] : g[2];
        }
        results.push_back(std::move(r));
      }
    }
  } else if (runner == "go") {
    LineRegex row(R"re(^\s*--- (PASS|FAIL|SKIP): (\S+))re");
    for (std::string_view line : lines) {
      if (row.match(line, g)) results.push_back({g[1], g[0] != "FAIL", ""});
    }
  } else if (runner == "cargo") {
    LineRegex row(R"re(^test (\S+) \.\.\. (ok|FAILED|ignored))re");
    for (std::string_view line : lines) {
      if (row.match(line, g)) results.push_back({g[0], g[1] != "FAILED", ""});
    }
  }
  return results;
}

}  // namespace seek::tools
