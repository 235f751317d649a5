// The pre-tokenizer: a sequence of regex splits with HF's "Isolated" behaviour (every match
// and every gap between matches becomes its own piece), each applied to every piece the
// previous one produced. Patterns are written for Oniguruma (what HF tokenizers uses) and are
// compiled with PCRE2 (UTF + Unicode properties, JIT) after translating the few constructs
// whose meaning differs, notably `\s` (see translate_oniguruma_pattern).
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"

namespace seek::engine {

/// Rewrites an Oniguruma pattern into a PCRE2 pattern with the same meaning for valid UTF-8
/// subjects. `\s` becomes the Unicode White_Space set (PCRE2's `\s` also takes U+180E) and
/// `\S` its complement; `\p{L}`, `\p{M}`, `\p{N}`, `\p{P}`, `\p{S}`, `\p{Z}` become Unicode 16
/// ranges (unicode_categories.inc), the version HF tokenizers' Oniguruma follows. Returns kUnsupported for a construct that cannot be carried over.
Result<std::string> translate_oniguruma_pattern(std::string_view pattern);

class RegexSplitter {
 public:
  /// Compiles one Isolated split. `pattern` is in Oniguruma syntax.
  static Result<RegexSplitter> compile(std::string_view pattern);

  RegexSplitter(RegexSplitter&&) noexcept;
  RegexSplitter& operator=(RegexSplitter&&) noexcept;
  ~RegexSplitter();

  /// Splits `piece` (valid UTF-8) and appends the non-empty pieces, in order, to `out`.
  /// Thread-safe: match state is per call.
  void split(std::string_view piece, std::vector<std::string_view>& out) const;

  const std::string& pattern() const { return pattern_; }

 private:
  struct Impl;
  RegexSplitter(std::string pattern, std::unique_ptr<Impl> impl);
  std::string pattern_;
  std::unique_ptr<Impl> impl_;
};

/// The whole sequence of splits.
class PreTokenizer {
 public:
  PreTokenizer() = default;
  explicit PreTokenizer(std::vector<RegexSplitter> splits) : splits_(std::move(splits)) {}

  /// Replaces `pieces` with the pre-tokenized pieces of `text` (valid UTF-8). `scratch` is
  /// reused between calls so that steady-state tokenization does not allocate.
  void run(std::string_view text, std::vector<std::string_view>& pieces,
           std::vector<std::string_view>& scratch) const;

  std::size_t size() const { return splits_.size(); }

 private:
  std::vector<RegexSplitter> splits_;
};

}  // namespace seek::engine
