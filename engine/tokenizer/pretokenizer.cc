// PCRE2-backed regex splits (see pretokenizer.h).
#include "engine/tokenizer/pretokenizer.h"

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include <fmt/format.h>

#include <optional>

#include "base/utf8.h"
namespace seek::engine {
namespace {

// Unicode White_Space, which is what Oniguruma's `\s` means on UTF-8 text.
constexpr std::string_view kWhiteSpaceRanges =
    "\\t\\n\\x{0B}\\f\\r\\x{20}\\x{85}\\x{A0}\\x{1680}\\x{2000}-\\x{200A}\\x{2028}\\x{2029}"
    "\\x{202F}\\x{205F}\\x{3000}";

// Unicode 16 General_Category sets (what HF's Oniguruma uses; PCRE2 10.42 has Unicode 14).
struct CategoryClass {
  std::string_view name;
  std::string_view body;  // a PCRE2 character-class body
};
constexpr CategoryClass kCategories[] = {
#include "engine/tokenizer/unicode_categories.inc"
};

std::optional<std::string_view> category_body(std::string_view name) {
  for (const CategoryClass& c : kCategories) {
    if (c.name == name) return c.body;
  }
  return std::nullopt;
}

std::string pcre2_message(int code) {
  PCRE2_UCHAR buffer[256];
  pcre2_get_error_message(code, buffer, sizeof(buffer));
  return reinterpret_cast<const char*>(buffer);
}

struct CodeDeleter {
  void operator()(pcre2_code* code) const { pcre2_code_free(code); }
};
struct MatchDataDeleter {
  void operator()(pcre2_match_data* data) const { pcre2_match_data_free(data); }
};

}  // namespace

Result<std::string> translate_oniguruma_pattern(std::string_view pattern) {
  std::string out;
  out.reserve(pattern.size() + 64);
  bool in_class = false;
  for (std::size_t i = 0; i < pattern.size(); ++i) {
    const char c = pattern[i];
    if (c == '\\' && i + 1 < pattern.size()) {
      const char next = pattern[i + 1];
      ++i;
      if ((next == 'p' || next == 'P') && i + 1 < pattern.size() && pattern[i + 1] == '{') {
        const std::size_t close = pattern.find('}', i + 2);
        const auto body = close == std::string_view::npos ? std::nullopt
                                                           : category_body(pattern.substr(i + 2, close - i - 2));
        if (body && next == 'p') {
          out += in_class ? std::string(*body) : fmt::format("[{}]", *body);
          i = close;
          continue;
        }
        if (body && !in_class) {
          out += fmt::format("[^{}]", *body);
          i = close;
          continue;
        }
        // Other properties (and \P{..} inside a class) keep PCRE2's own tables.
      }
      if (next == 's') {
        out += in_class ? std::string(kWhiteSpaceRanges) : fmt::format("[{}]", kWhiteSpaceRanges);
      } else if (next == 'S') {
        if (in_class) {
          return make_error(ErrorCode::kUnsupported,
                            fmt::format("regex '{}': \\S inside a character class is not supported", pattern));
        }
        out += fmt::format("[^{}]", kWhiteSpaceRanges);
      } else {
        out.push_back('\\');
        out.push_back(next);
      }
      continue;
    }
    if (!in_class && c == '[') {
      in_class = true;
      out.push_back(c);
      // A ']' or '^]' right after '[' is a literal, not the end of the class.
      if (i + 1 < pattern.size() && pattern[i + 1] == '^') out.push_back(pattern[++i]);
      if (i + 1 < pattern.size() && pattern[i + 1] == ']') out.push_back(pattern[++i]);
      continue;
    }
    if (in_class && c == ']') in_class = false;
    if (in_class && c == '[' ) {
      // Oniguruma nested classes ([a[b]]) have no PCRE2 equivalent except POSIX [:x:].
      if (i + 1 < pattern.size() && pattern[i + 1] == ':') {
        out.push_back(c);
        continue;
      }
      return make_error(ErrorCode::kUnsupported,
                        fmt::format("regex '{}': nested character classes are not supported", pattern));
    }
    out.push_back(c);
  }
  return out;
}

struct RegexSplitter::Impl {
  std::unique_ptr<pcre2_code, CodeDeleter> code;
  bool jit = false;
};

RegexSplitter::RegexSplitter(std::string pattern, std::unique_ptr<Impl> impl)
    : pattern_(std::move(pattern)), impl_(std::move(impl)) {}
RegexSplitter::RegexSplitter(RegexSplitter&&) noexcept = default;
RegexSplitter& RegexSplitter::operator=(RegexSplitter&&) noexcept = default;
RegexSplitter::~RegexSplitter() = default;

Result<RegexSplitter> RegexSplitter::compile(std::string_view pattern) {
  SEEK_ASSIGN_OR_RETURN(std::string translated, translate_oniguruma_pattern(pattern));
  int error_code = 0;
  PCRE2_SIZE error_offset = 0;
  pcre2_code* code =
      pcre2_compile(reinterpret_cast<PCRE2_SPTR>(translated.data()), translated.size(),
                    PCRE2_UTF | PCRE2_UCP, &error_code, &error_offset, nullptr);
  if (code == nullptr) {
    return make_error(ErrorCode::kInvalidArgument,
                      fmt::format("regex '{}' does not compile at offset {}: {}", pattern,
                                  error_offset, pcre2_message(error_code)));
  }
  auto impl = std::make_unique<Impl>();
  impl->code.reset(code);
  // JIT is an optimisation: without it (e.g. a W^X kernel) the interpreter gives the same
  // matches, only slower.
  impl->jit = pcre2_jit_compile(code, PCRE2_JIT_COMPLETE) == 0;
  return RegexSplitter(std::string(pattern), std::move(impl));
}

void RegexSplitter::split(std::string_view piece, std::vector<std::string_view>& out) const {
  if (piece.empty()) return;
  // Match data is per thread and grows to fit, so split() allocates nothing after warm-up.
  thread_local std::unique_ptr<pcre2_match_data, MatchDataDeleter> match_data(
      pcre2_match_data_create(16, nullptr));
  const auto* subject = reinterpret_cast<PCRE2_SPTR>(piece.data());
  std::size_t previous_end = 0;
  std::size_t offset = 0;
  while (offset <= piece.size()) {
    const int rc = impl_->jit ? pcre2_jit_match(impl_->code.get(), subject, piece.size(), offset,
                                                PCRE2_NO_UTF_CHECK, match_data.get(), nullptr)
                              : pcre2_match(impl_->code.get(), subject, piece.size(), offset,
                                            PCRE2_NO_UTF_CHECK, match_data.get(), nullptr);
    if (rc < 0) break;  // PCRE2_ERROR_NOMATCH, or a limit: the rest stays one piece
    const PCRE2_SIZE* ovector = pcre2_get_ovector_pointer(match_data.get());
    const std::size_t start = ovector[0];
    const std::size_t end = ovector[1];
    if (end == start) {
      // An empty match splits nothing; step over one character as Oniguruma's iterator does.
      offset = utf8_next(piece, start);
      continue;
    }
    if (start > previous_end) out.push_back(piece.substr(previous_end, start - previous_end));
    out.push_back(piece.substr(start, end - start));
    previous_end = end;
    offset = end;
  }
  if (previous_end < piece.size()) out.push_back(piece.substr(previous_end));
}

void PreTokenizer::run(std::string_view text, std::vector<std::string_view>& pieces,
                       std::vector<std::string_view>& scratch) const {
  pieces.clear();
  if (text.empty()) return;
  pieces.push_back(text);
  for (const RegexSplitter& splitter : splits_) {
    scratch.clear();
    for (std::string_view piece : pieces) splitter.split(piece, scratch);
    pieces.swap(scratch);
  }
}

}  // namespace seek::engine
