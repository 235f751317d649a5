// The V4 tokenizer: ids identical to HF tokenizers (the Rust crate, via the committed
// expected ids), exact round trips on any UTF-8 and any bytes, the V4 id table, long-piece
// merging against a plain reference BPE, and clear errors for bad tokenizer files.
#include "engine/tokenizer/tokenizer.h"

#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <random>
#include <sstream>

#include "engine/tokenizer/byte_level.h"
#include "engine/chat/py_json.h"
#include "base/utf8.h"
#include "tests/support/paths.h"
#include "tests/support/temp_dir.h"

namespace seek::engine {
namespace {

using testing::read_test_file;
using testing::test_data_path;

const Tokenizer& v4() {
  static const Tokenizer tokenizer = [] {
    auto loaded = Tokenizer::load(testing::v4_tokenizer_path());
    if (!loaded.ok()) {
      ADD_FAILURE() << loaded.error().message;
      std::abort();
    }
    return std::move(loaded).value();
  }();
  return tokenizer;
}

TEST(Tokenizer, SpecExamples) {
  EXPECT_EQ(v4().encode("Hello!"), (std::vector<TokenId>{19923, 3}));
  EXPECT_EQ(v4().encode("<｜User｜>你好<｜Assistant｜><think>推理</think>答案<｜end▁of▁sentence｜>"),
            (std::vector<TokenId>{128803, 30594, 128804, 128821, 36101, 128822, 7624, 1}));
  EXPECT_TRUE(v4().encode("").empty());
}

// Characters new in Unicode 15/16 (recent emoji, the Garay script) are classified as HF's
// Oniguruma classifies them; PCRE2's own Unicode 14 tables would split them differently.
// Expected ids from HF tokenizers 0.22.2.
TEST(Tokenizer, RecentUnicodeMatchesHuggingFace) {
  EXPECT_EQ(v4().encode("a\U0001FA77\U0001FABFb \u1fa77x"),
            (std::vector<TokenId>{67, 3574, 105, 118, 3574, 106, 126, 68, 8751, 125, 103, 25, 90}));
  EXPECT_EQ(v4().encode("Garay: \U00010D50\U00010D51 ok"),
            (std::vector<TokenId>{64865, 386, 28, 86387, 241, 116, 241, 120577, 116, 242, 9109}));
  EXPECT_EQ(v4().encode("ok \U0001FAE8\U0001FAF7 new"), (std::vector<TokenId>{633, 7351, 107, 104, 3574, 107, 118, 1017}));
}

TEST(Tokenizer, V4TableIdsAreLoaded) {
  const auto table = python_json_loads(read_test_file(std::string(SEEK_SOURCE_DIR_FOR_TESTS) + "/engine/tokenizer/v4_added_tokens.json"));
  ASSERT_TRUE(table.has_value());
  ASSERT_GE((*table)["tokens"].size(), 11u);
  for (const auto& token : (*table)["tokens"]) {
    const std::string content = token["content"].get<std::string>();
    EXPECT_EQ(v4().token_to_id(content), token["id"].get<TokenId>()) << content;
    EXPECT_EQ(v4().encode(content), (std::vector<TokenId>{token["id"].get<TokenId>()})) << content;
    EXPECT_TRUE(v4().is_special(token["id"].get<TokenId>()));
  }
  EXPECT_EQ(v4().token_to_id("<｜fim▁hole｜>"), 128800);
  EXPECT_EQ(v4().token_to_id("<｜fim▁begin｜>"), 128801);
  EXPECT_EQ(v4().token_to_id("<｜fim▁end｜>"), 128802);
  EXPECT_EQ(v4().vocab_size(), 128846u);
}

// expected_v4.jsonl was made by HF tokenizers 0.22.2 (Rust) on the same tokenizer.json.
TEST(Tokenizer, CorpusMatchesHuggingFaceTokenizers) {
  std::istringstream corpus(read_test_file(test_data_path("tokenizer/corpus.jsonl")));
  std::istringstream expected(read_test_file(test_data_path("tokenizer/expected_v4.jsonl")));
  std::string text_line, ids_line;
  int lines = 0, mismatches = 0;
  while (std::getline(corpus, text_line) && std::getline(expected, ids_line)) {
    ++lines;
    const std::string text = python_json_loads(text_line)->get<std::string>();
    const auto want = python_json_loads(ids_line)->get<std::vector<TokenId>>();
    const auto got = v4().encode(text);
    if (got != want && ++mismatches <= 5) {
      std::size_t at = 0;
      while (at < got.size() && at < want.size() && got[at] == want[at]) ++at;
      ADD_FAILURE() << "corpus line " << lines << " differs at token " << at << ": " << text_line.substr(0, 120);
    }
    EXPECT_EQ(*v4().decode(got), text);
  }
  EXPECT_GE(lines, 900);
  EXPECT_EQ(mismatches, 0);
}

std::string random_utf8(std::mt19937& rng, std::size_t length) {
  static const std::vector<std::pair<char32_t, char32_t>> ranges = {
      {0x20, 0x7E}, {0x09, 0x0D}, {0xA0, 0x24F}, {0x300, 0x36F}, {0x400, 0x4FF}, {0x590, 0x6FF},
      {0x900, 0x97F}, {0xE00, 0xE7F}, {0x2000, 0x206F}, {0x3000, 0x30FF}, {0x4E00, 0x9FFF},
      {0xAC00, 0xD7A3}, {0xFF00, 0xFFEF}, {0x1F300, 0x1FAFF}, {0x10000, 0x10FFFF}};
  static const char* specials[] = {"<｜User｜>", "<think>", "</think>", "｜DSML｜", "<｜end▁of▁sentence｜>", "<｜fim▁hole｜>",
                                   "   ", "\n\n", "12345", "<｜User|>"};
  std::string out;
  while (out.size() < length) {
    if (rng() % 16 == 0) {
      out += specials[rng() % std::size(specials)];
      continue;
    }
    const auto& [lo, hi] = ranges[rng() % ranges.size()];
    char32_t cp = lo + rng() % (hi - lo + 1);
    if (cp >= 0xD800 && cp <= 0xDFFF) cp = 'x';
    utf8_append(out, cp);
  }
  return out;
}

TEST(Tokenizer, RoundTripsAnyUtf8) {
  std::mt19937 rng(1234);
  for (int i = 0; i < 2000; ++i) {
    const std::string text = random_utf8(rng, 1 + rng() % 300);
    auto decoded = v4().decode(v4().encode(text));
    ASSERT_TRUE(decoded.ok());
    ASSERT_EQ(*decoded, text) << "case " << i;
  }
}

// Invalid UTF-8 is documented to tokenize byte by byte around the bad bytes, losslessly.
TEST(Tokenizer, RoundTripsArbitraryBytes) {
  std::mt19937 rng(99);
  for (int i = 0; i < 500; ++i) {
    std::string bytes(1 + rng() % 200, '\0');
    for (char& c : bytes) c = static_cast<char>(rng());
    ASSERT_EQ(*v4().decode(v4().encode(bytes)), bytes);
  }
  // A bad byte between valid text does not change the tokens of the valid parts.
  const auto left = v4().encode("int main");
  auto mixed = v4().encode(std::string("int main") + "\xFF");
  ASSERT_EQ(mixed.size(), left.size() + 1);
  EXPECT_TRUE(std::equal(left.begin(), left.end(), mixed.begin()));
}

TEST(Tokenizer, PlainEncodingIgnoresSpecialTokenStrings) {
  std::vector<TokenId> ids;
  v4().encode_plain_into("x<｜end▁of▁sentence｜><think>", ids);
  for (TokenId id : ids) EXPECT_LT(id, 128000) << "a special token came out of plain text";
  EXPECT_EQ(*v4().decode(ids), "x<｜end▁of▁sentence｜><think>");
}

// A plain BPE over token strings (straight from the definition) for long single pieces,
// which the tokenizer merges with a heap instead of the quadratic scan.
std::vector<TokenId> reference_bpe(std::string_view piece, const StringToId& vocab,
                                   const std::map<std::pair<std::string, std::string>, std::size_t>& ranks) {
  std::vector<std::string> symbols;
  for (char c : piece) symbols.push_back(byte_level_strings()[static_cast<unsigned char>(c)]);
  while (symbols.size() > 1) {
    std::size_t best = SIZE_MAX, at = 0;
    for (std::size_t i = 0; i + 1 < symbols.size(); ++i) {
      auto it = ranks.find({symbols[i], symbols[i + 1]});
      if (it != ranks.end() && it->second < best) best = it->second, at = i;
    }
    if (best == SIZE_MAX) break;
    symbols[at] += symbols[at + 1];
    symbols.erase(symbols.begin() + static_cast<std::ptrdiff_t>(at) + 1);
  }
  std::vector<TokenId> ids;
  for (const auto& s : symbols) ids.push_back(vocab.at(s));
  return ids;
}

TEST(Tokenizer, LongPiecesMergeLikeThePlainReference) {
  const auto root = nlohmann::json::parse(read_test_file(testing::v4_tokenizer_path()));
  StringToId vocab;
  for (const auto& [token, id] : root["model"]["vocab"].items()) vocab.emplace(token, id.get<TokenId>());
  std::map<std::pair<std::string, std::string>, std::size_t> ranks;
  std::size_t rank = 0;
  for (const auto& merge : root["model"]["merges"]) {
    const std::string m = merge.get<std::string>();
    ranks.emplace(std::make_pair(m.substr(0, m.find(' ')), m.substr(m.find(' ') + 1)), rank++);
  }
  std::mt19937 rng(5);
  const std::string letters = "abcdefghijklmnopqrstuvwxyzetaoinshrdlu";
  for (int i = 0; i < 60; ++i) {
    std::string word;  // one letter run = one pre-tokenizer piece
    const std::size_t length = 40 + rng() % 200;
    for (std::size_t k = 0; k < length; ++k) word.push_back(letters[rng() % letters.size()]);
    EXPECT_EQ(v4().encode(word), reference_bpe(word, vocab, ranks)) << word;
  }
  const std::string spaces(300, ' ');
  EXPECT_EQ(v4().encode(spaces), reference_bpe(spaces, vocab, ranks));
}

TEST(Tokenizer, DecodeRejectsUnknownIds) {
  auto bad = v4().decode({19923, 999999});
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.error().message.find("999999"), std::string::npos);
  EXPECT_FALSE(v4().decode({-1}).ok());
}

TEST(Tokenizer, BadFilesGiveClearErrors) {
  EXPECT_NE(Tokenizer::load("/nonexistent/tokenizer.json").error().message.find("/nonexistent/tokenizer.json"),
            std::string::npos);
  const std::string good = read_test_file(testing::v4_tokenizer_path());
  auto error_of = [](std::string_view json) {
    auto t = Tokenizer::from_json(json);
    return t.ok() ? std::string("(loaded)") : t.error().message;
  };
  EXPECT_NE(error_of(good.substr(0, good.size() / 2)).find("not a JSON object"), std::string::npos);
  EXPECT_NE(error_of(R"({"model":{"type":"WordPiece"}})").find("WordPiece"), std::string::npos);
  EXPECT_NE(error_of(R"({"model":{"vocab":{},"merges":[]},"normalizer":{"type":"NFKC"},"decoder":{"type":"ByteLevel"},
                          "pre_tokenizer":{"type":"ByteLevel","add_prefix_space":false,"use_regex":false}})")
                .find("normalizer"),
            std::string::npos);
  EXPECT_NE(error_of(R"({"model":{"vocab":{"a":0},"merges":[]},"decoder":{"type":"ByteLevel"},
                          "pre_tokenizer":{"type":"ByteLevel","add_prefix_space":false,"use_regex":false}})")
                .find("byte 0x00"),
            std::string::npos);
  auto root = nlohmann::json::parse(good);
  root["model"]["merges"].push_back("Ġnot_a_token Ġt");
  EXPECT_NE(error_of(root.dump()).find("missing from the vocabulary"), std::string::npos);
  root = nlohmann::json::parse(good);
  root["pre_tokenizer"]["pretokenizers"][0]["pattern"]["Regex"] = "(unclosed";
  EXPECT_NE(error_of(root.dump()).find("does not compile"), std::string::npos);
}

TEST(Pretokenizer, OnigurumaWhitespaceIsTranslated) {
  // U+180E is not White_Space (PCRE2's \s would take it); U+0085 is.
  auto splitter = RegexSplitter::compile("\\s+");
  ASSERT_TRUE(splitter.ok());
  std::vector<std::string_view> pieces;
  splitter->split("a\xE1\xA0\x8E" "b\xC2\x85" "c", pieces);
  ASSERT_EQ(pieces.size(), 3u);
  EXPECT_EQ(pieces[0], "a\xE1\xA0\x8E" "b");
  EXPECT_EQ(pieces[1], "\xC2\x85");
}

}  // namespace
}  // namespace seek::engine
