// Loading tokenizer.json and running encode/decode (see tokenizer.h).
#include "engine/tokenizer/tokenizer.h"

#include <fmt/format.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "engine/tokenizer/byte_level.h"
#include "base/utf8.h"

namespace seek::engine {
namespace {

using Json = nlohmann::json;

Error unsupported(std::string_view what) {
  return make_error(ErrorCode::kUnsupported, fmt::format("unsupported tokenizer.json: {}", what));
}

Error corrupt(std::string_view what) {
  return make_error(ErrorCode::kCorrupt, fmt::format("invalid tokenizer.json: {}", what));
}

// An absent normalizer, or a Sequence of none, changes nothing; anything else we refuse
// rather than silently tokenize differently from HF.
Status check_normalizer(const Json& normalizer) {
  if (normalizer.is_null()) return ok_status();
  if (normalizer.value("type", "") == "Sequence" && normalizer.contains("normalizers") &&
      normalizer["normalizers"].is_array() && normalizer["normalizers"].empty()) {
    return ok_status();
  }
  return unsupported(fmt::format("normalizer {}", normalizer.dump()));
}

Result<PreTokenizer> build_pre_tokenizer(const Json& config) {
  std::vector<const Json*> steps;
  if (config.is_object() && config.value("type", "") == "Sequence") {
    if (!config.contains("pretokenizers") || !config["pretokenizers"].is_array()) {
      return corrupt("pre_tokenizer Sequence without a 'pretokenizers' list");
    }
    for (const Json& step : config["pretokenizers"]) steps.push_back(&step);
  } else if (config.is_object()) {
    steps.push_back(&config);
  } else if (!config.is_null()) {
    return corrupt("pre_tokenizer is not an object");
  }
  std::vector<RegexSplitter> splits;
  bool byte_level_seen = false;
  for (const Json* step : steps) {
    const std::string type = step->value("type", "");
    if (type == "Split") {
      if (byte_level_seen) return unsupported("a Split after ByteLevel");
      const Json& pattern = step->value("pattern", Json::object());
      if (!pattern.contains("Regex") || !pattern["Regex"].is_string()) {
        return unsupported("Split without a Regex pattern");
      }
      if (step->value("behavior", "") != "Isolated" || step->value("invert", false)) {
        return unsupported(fmt::format("Split behavior '{}' (only Isolated, not inverted)",
                                       step->value("behavior", "")));
      }
      SEEK_ASSIGN_OR_RETURN(RegexSplitter splitter, RegexSplitter::compile(pattern["Regex"].get<std::string>()));
      splits.push_back(std::move(splitter));
    } else if (type == "ByteLevel") {
      if (step->value("add_prefix_space", false) || step->value("use_regex", true)) {
        return unsupported("ByteLevel pre-tokenizer with add_prefix_space or use_regex");
      }
      byte_level_seen = true;
    } else {
      return unsupported(fmt::format("pre_tokenizer step '{}'", type));
    }
  }
  if (!byte_level_seen) return unsupported("pre_tokenizer without a ByteLevel step");
  return PreTokenizer(std::move(splits));
}

Result<std::vector<std::pair<std::string, std::string>>> read_merges(const Json& merges) {
  if (!merges.is_array()) return corrupt("model.merges is not a list");
  std::vector<std::pair<std::string, std::string>> out;
  out.reserve(merges.size());
  for (const Json& merge : merges) {
    if (merge.is_string()) {  // legacy "left right"
      const std::string& text = merge.get_ref<const std::string&>();
      const auto space = text.find(' ');
      if (space == std::string::npos || text.find(' ', space + 1) != std::string::npos) {
        return corrupt(fmt::format("merge '{}' is not two tokens separated by one space", text));
      }
      out.emplace_back(text.substr(0, space), text.substr(space + 1));
    } else if (merge.is_array() && merge.size() == 2 && merge[0].is_string() && merge[1].is_string()) {
      out.emplace_back(merge[0].get<std::string>(), merge[1].get<std::string>());
    } else {
      return corrupt(fmt::format("merge {} is neither \"a b\" nor [\"a\", \"b\"]", merge.dump()));
    }
  }
  return out;
}

}  // namespace

struct Tokenizer::Impl {
  BpeModel bpe;
  PreTokenizer pre_tokenizer;
  AddedTokenMatcher added;
  StringToId added_ids;             // added token content -> id
  std::vector<std::string> bytes;   // id -> decoded bytes
  std::vector<bool> present;        // id -> defined
  std::vector<bool> special;        // id -> special added token

  explicit Impl(BpeModel model) : bpe(std::move(model)) {}

  void encode_plain(std::string_view text, std::vector<TokenId>& out) const {
    thread_local std::vector<std::string_view> pieces;
    thread_local std::vector<std::string_view> scratch;
    std::size_t i = 0;
    while (i < text.size()) {
      const std::size_t valid_end = utf8_valid_prefix(text, i);
      if (valid_end > i) {
        pre_tokenizer.run(text.substr(i, valid_end - i), pieces, scratch);
        for (std::string_view piece : pieces) bpe.encode_piece(piece, out);
      }
      if (valid_end >= text.size()) break;
      bpe.encode_piece(text.substr(valid_end, 1), out);  // one invalid byte, one token
      i = valid_end + 1;
    }
  }
};

Tokenizer::Tokenizer(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Tokenizer::Tokenizer(Tokenizer&&) noexcept = default;
Tokenizer& Tokenizer::operator=(Tokenizer&&) noexcept = default;
Tokenizer::~Tokenizer() = default;

Result<Tokenizer> Tokenizer::load(const std::string& path) {
  std::ifstream file(path, std::ios::binary);
  if (!file) return make_error(ErrorCode::kNotFound, fmt::format("cannot open tokenizer file '{}'", path));
  std::stringstream buffer;
  buffer << file.rdbuf();
  if (file.bad()) return make_error(ErrorCode::kIo, fmt::format("cannot read tokenizer file '{}'", path));
  auto tokenizer = from_json(buffer.str());
  if (!tokenizer.ok()) return std::move(tokenizer).error().with_context(path);
  return tokenizer;
}

Result<Tokenizer> Tokenizer::from_json(std::string_view json_text) {
  Json root = Json::parse(json_text, nullptr, /*allow_exceptions=*/false);
  if (root.is_discarded() || !root.is_object()) return corrupt("not a JSON object");
  if (!root.contains("model") || !root["model"].is_object()) return corrupt("no 'model' object");
  const Json& model = root["model"];
  if (model.value("type", "BPE") != "BPE") return unsupported(fmt::format("model type '{}'", model.value("type", "")));
  if (!model.value("dropout", Json()).is_null()) return unsupported("BPE dropout");
  if (!model.value("continuing_subword_prefix", Json()).is_null() || !model.value("end_of_word_suffix", Json()).is_null()) {
    return unsupported("BPE subword prefix/suffix");
  }
  if (model.value("byte_fallback", false) || model.value("ignore_merges", false)) {
    return unsupported("BPE byte_fallback or ignore_merges");
  }
  SEEK_RETURN_IF_ERROR(check_normalizer(root.value("normalizer", Json())));
  if (const Json decoder = root.value("decoder", Json()); decoder.value("type", "") != "ByteLevel") {
    return unsupported(fmt::format("decoder {}", decoder.dump()));
  }
  SEEK_ASSIGN_OR_RETURN(PreTokenizer pre_tokenizer, build_pre_tokenizer(root.value("pre_tokenizer", Json())));

  if (!model.contains("vocab") || !model["vocab"].is_object()) return corrupt("model.vocab is not an object");
  StringToId vocab;
  vocab.reserve(model["vocab"].size());
  TokenId max_id = -1;
  for (const auto& [token, id] : model["vocab"].items()) {
    if (!id.is_number_integer() || id.get<std::int64_t>() < 0 || id.get<std::int64_t>() > (1 << 24)) {
      return corrupt(fmt::format("vocab entry '{}' has id {}", token, id.dump()));
    }
    vocab.emplace(token, id.get<TokenId>());
    max_id = std::max(max_id, id.get<TokenId>());
  }
  SEEK_ASSIGN_OR_RETURN(auto merges, read_merges(model.value("merges", Json::array())));

  std::vector<AddedToken> added_tokens;
  for (const Json& entry : root.value("added_tokens", Json::array())) {
    if (!entry.is_object() || !entry.contains("id") || !entry["id"].is_number_integer() ||
        !entry.contains("content") || !entry["content"].is_string()) {
      return corrupt(fmt::format("added token {} lacks an integer id or a string content", entry.dump()));
    }
    AddedToken token{entry["id"].get<TokenId>(), entry["content"].get<std::string>(),
                     entry.value("special", false), entry.value("normalized", false)};
    if (token.id < 0 || token.id > (1 << 24) || token.content.empty()) {
      return corrupt(fmt::format("added token {} has a bad id or empty content", entry.dump()));
    }
    if (entry.value("lstrip", false) || entry.value("rstrip", false) || entry.value("single_word", false)) {
      return unsupported(fmt::format("added token '{}' with lstrip/rstrip/single_word", token.content));
    }
    max_id = std::max(max_id, token.id);
    added_tokens.push_back(std::move(token));
  }

  SEEK_ASSIGN_OR_RETURN(BpeModel bpe, BpeModel::build(std::move(vocab), merges));
  auto impl = std::make_unique<Impl>(std::move(bpe));
  impl->pre_tokenizer = std::move(pre_tokenizer);
  const auto size = static_cast<std::size_t>(max_id + 1);
  impl->bytes.assign(size, std::string());
  impl->present.assign(size, false);
  impl->special.assign(size, false);
  for (const auto& [token, id] : impl->bpe.vocab()) {
    impl->bytes[id] = byte_level_decode(token);
    impl->present[id] = true;
  }
  for (const AddedToken& token : added_tokens) {
    if (auto it = impl->added_ids.find(token.content); it != impl->added_ids.end() && it->second != token.id) {
      return corrupt(fmt::format("added token '{}' appears with ids {} and {}", token.content, it->second, token.id));
    }
    impl->added.add(token);
    impl->added_ids[token.content] = token.id;
    // HF decodes added tokens through the same ByteLevel decoder as vocabulary tokens.
    impl->bytes[token.id] = byte_level_decode(token.content);
    impl->present[token.id] = true;
    impl->special[token.id] = token.special;
  }
  return Tokenizer(std::move(impl));
}

std::vector<TokenId> Tokenizer::encode(std::string_view text) const {
  std::vector<TokenId> ids;
  ids.reserve(text.size() / 3 + 4);
  encode_into(text, ids);
  return ids;
}

void Tokenizer::encode_into(std::string_view text, std::vector<TokenId>& out) const {
  thread_local std::vector<TextSegment> segments;
  impl_->added.split(text, segments);
  for (const TextSegment& segment : segments) {
    if (segment.added_id >= 0) {
      out.push_back(segment.added_id);
    } else {
      impl_->encode_plain(segment.text, out);
    }
  }
}

void Tokenizer::encode_plain_into(std::string_view text, std::vector<TokenId>& out) const {
  impl_->encode_plain(text, out);
}

Result<std::string> Tokenizer::decode(const std::vector<TokenId>& ids) const {
  std::string out;
  for (std::size_t i = 0; i < ids.size(); ++i) {
    const TokenId id = ids[i];
    if (id < 0 || static_cast<std::size_t>(id) >= impl_->present.size() || !impl_->present[id]) {
      return make_error(ErrorCode::kInvalidArgument,
                        fmt::format("token id {} (at position {}) is not in the vocabulary", id, i));
    }
    out += impl_->bytes[id];
  }
  return out;
}

std::string_view Tokenizer::token_bytes(TokenId id) const {
  if (id < 0 || static_cast<std::size_t>(id) >= impl_->bytes.size()) return {};
  return impl_->bytes[id];
}

std::optional<TokenId> Tokenizer::token_to_id(std::string_view token) const {
  if (auto it = impl_->added_ids.find(token); it != impl_->added_ids.end()) return it->second;
  if (auto it = impl_->bpe.vocab().find(token); it != impl_->bpe.vocab().end()) return it->second;
  return std::nullopt;
}

std::size_t Tokenizer::vocab_size() const { return impl_->present.size(); }

void Tokenizer::clear_cache() const { impl_->bpe.clear_cache(); }

bool Tokenizer::is_special(TokenId id) const {
  return id >= 0 && static_cast<std::size_t>(id) < impl_->special.size() && impl_->special[id];
}

}  // namespace seek::engine
