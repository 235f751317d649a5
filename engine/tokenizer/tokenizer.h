// The DeepSeek byte-level BPE tokenizer, loaded from a Hugging Face `tokenizer.json`.
//
// Encoding follows HF tokenizers exactly on valid UTF-8: added tokens are cut out first
// (added_tokens.h), the rest is pre-tokenized by the regex split sequence (pretokenizer.h),
// each piece is byte-level mapped and BPE-merged (bpe_model.h). No BOS is added.
//
// Invalid UTF-8 (HF cannot take it at all) is tokenized losslessly and deterministically:
// the text is cut at every invalid byte, the valid runs are tokenized as above, and each
// invalid byte becomes its own single-byte token. decode(encode(x)) == x for any bytes.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "engine/tokenizer/added_tokens.h"
#include "engine/tokenizer/bpe_model.h"
#include "engine/tokenizer/pretokenizer.h"

namespace seek::engine {

class Tokenizer {
 public:
  /// Loads a tokenizer.json file. Errors name the file and what is wrong or unsupported.
  static Result<Tokenizer> load(const std::string& path);
  /// Builds from the JSON text of a tokenizer.json.
  static Result<Tokenizer> from_json(std::string_view json_text);

  Tokenizer(Tokenizer&&) noexcept;
  Tokenizer& operator=(Tokenizer&&) noexcept;
  ~Tokenizer();

  /// Token ids of `text`. Thread-safe.
  std::vector<TokenId> encode(std::string_view text) const;
  /// Appends the token ids of `text` to `out`.
  void encode_into(std::string_view text, std::vector<TokenId>& out) const;
  /// Token ids of `text` with no added-token recognition: special-token strings in the text
  /// are tokenized as plain text (for untrusted content such as file bodies).
  void encode_plain_into(std::string_view text, std::vector<TokenId>& out) const;

  /// The bytes the ids stand for. An id outside the vocabulary is an error naming it.
  Result<std::string> decode(const std::vector<TokenId>& ids) const;
  /// The bytes one id stands for (empty view for an unknown id).
  std::string_view token_bytes(TokenId id) const;

  /// The id of a token string (byte-level form for vocabulary tokens, literal for added).
  std::optional<TokenId> token_to_id(std::string_view token) const;
  /// One past the largest id.
  std::size_t vocab_size() const;
  bool is_special(TokenId id) const;

  /// Drops the BPE piece cache (benchmarks measure cold tokenization with it).
  void clear_cache() const;

 private:
  struct Impl;
  explicit Tokenizer(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace seek::engine
