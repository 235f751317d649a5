// `seek logits` through the real binary on a checkpoint written by `seek model init`:
// output shape, the JSON timing line, per-layer dumps, determinism, and clear errors for
// damaged checkpoints, bad token ids and bad modes; decode and chunked prefill.
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "tests/support/subprocess.h"
#include "tests/support/temp_dir.h"

namespace seek::testing {
namespace {

namespace fs = std::filesystem;

ProcessResult seek(const std::vector<std::string>& args) {
  std::vector<std::string> argv = {seek_binary()};
  argv.insert(argv.end(), args.begin(), args.end());
  return run_process(argv, {}, std::chrono::seconds(120));
}

std::string slurp(const fs::path& p) {
  std::ifstream f(p, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(f), {});
}

class LogitsCommand : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new TempDir("sk-logits-");
    ASSERT_EQ(seek({"model", "init", "--preset", "tiny", "--seed", "3", "--out", (*dir_ / "ck").string()}).exit_code, 0);
  }
  static void TearDownTestSuite() { delete dir_; }
  static TempDir* dir_;
};
TempDir* LogitsCommand::dir_ = nullptr;

TEST_F(LogitsCommand, PrefillWritesEveryPositionAndDumps) {
  const std::string out = (*dir_ / "l.f32").string(), dump = (*dir_ / "dump").string();
  auto r = seek({"logits", "--model", (*dir_ / "ck").string(), "--tokens", "5,6,7,8,9", "--out", out, "--dump-dir", dump,
                 "--mtp", out + ".mtp"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(fs::file_size(out), 5u * 129280u * 4u);
  EXPECT_EQ(fs::file_size(out + ".mtp"), 4u * 129280u * 4u);  // positions 0..3, each with its next token
  auto line = nlohmann::json::parse(r.out.substr(0, r.out.find('\n')));
  EXPECT_EQ(line["tokens"], 5);
  EXPECT_EQ(line["mode"], "prefill");
  for (int layer = 0; layer < 4; ++layer) {
    const fs::path file = fs::path(dump) / ("h_after_layer" + std::to_string(layer) + ".f32");
    ASSERT_TRUE(fs::exists(file)) << file;
    EXPECT_EQ(fs::file_size(file), 5u * 4u * 128u * 4u);  // [tokens, hc_mult, hidden]
  }
  // Finite, and the same bytes on a second run with another thread count.
  const std::string bytes = slurp(out);
  const auto* v = reinterpret_cast<const float*>(bytes.data());
  for (std::size_t i = 0; i < bytes.size() / 4; i += 997) EXPECT_TRUE(std::isfinite(v[i]));
  r = seek({"logits", "--model", (*dir_ / "ck").string(), "--tokens", "5,6,7,8,9", "--out", out + "2", "--threads", "1"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(slurp(out + "2"), bytes);
}

// Decode and chunked prefill carry the window ring and compressor state; over a prompt
// longer than the window (so every call lays out its index lists the same way) they must
// reproduce the one-call prefill bit for bit. 150 tokens cross the 128-token window, 37
// ratio-4 blocks and one ratio-128 block.
TEST_F(LogitsCommand, DecodeAndChunkedMatchPrefillExactly) {
  std::string tokens;
  for (int i = 0; i < 150; ++i) tokens += (i ? "," : "") + std::to_string((i * 7919 + 13) % 129280);
  const std::string ck = (*dir_ / "ck").string();
  auto r = seek({"logits", "--model", ck, "--tokens", tokens, "--out", (*dir_ / "p.f32").string()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const std::string prefill = slurp(*dir_ / "p.f32");
  ASSERT_EQ(prefill.size(), 150u * 129280u * 4u);
  for (const char* mode : {"decode", "chunked:1", "chunked:7", "chunked:128", "chunked:149", "chunked:1000"}) {
    const std::string out = (*dir_ / (std::string("m") + mode)).string();
    r = seek({"logits", "--model", ck, "--tokens", tokens, "--out", out, "--mode", mode});
    ASSERT_EQ(r.exit_code, 0) << mode << ": " << r.err;
    EXPECT_EQ(nlohmann::json::parse(r.out.substr(0, r.out.find('\n')))["mode"], mode);
    EXPECT_TRUE(slurp(out) == prefill) << mode << " differs from prefill";
  }
}

// The weights stay in their stored formats (mapped, dequantized block by block), and the
// logits go to the file a block of rows at a time: peak RSS stays near the mapped size.
TEST_F(LogitsCommand, PeakMemoryStaysNearTheMappedWeights) {
  std::string tokens;
  for (int i = 0; i < 320; ++i) tokens += (i ? "," : "") + std::to_string((i * 104729 + 7) % 129280);
  auto r = seek({"logits", "--model", (*dir_ / "ck").string(), "--tokens", tokens, "--out", (*dir_ / "rss.f32").string()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto line = nlohmann::json::parse(r.out.substr(0, r.out.find('\n')));
  const double weights = line["weights_mb"], rss = line["peak_rss_mb"];
  RecordProperty("peak_rss_mb", std::to_string(rss));
  // 320 x 129280 FP32 logits alone would be 165 MB; an FP32 copy of the weights, 4x them.
  EXPECT_LT(rss, weights * 1.25 + 48) << "weights " << weights << " MB, peak RSS " << rss << " MB";
}

TEST_F(LogitsCommand, ClearErrors) {
  const std::string ck = (*dir_ / "ck").string(), out = (*dir_ / "x.f32").string();
  auto r = seek({"logits", "--model", ck, "--tokens", "1,999999", "--out", out});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("999999"), std::string::npos) << r.err;
  r = seek({"logits", "--model", ck, "--tokens", "1,x", "--out", out});
  EXPECT_EQ(r.exit_code, 1);
  for (const char* mode : {"chunked:0", "chunked:x", "stream"}) {
    r = seek({"logits", "--model", ck, "--tokens", "1", "--out", out, "--mode", mode});
    EXPECT_EQ(r.exit_code, 1) << mode;
    EXPECT_NE(r.err.find("--mode"), std::string::npos) << r.err;
  }
  EXPECT_FALSE(fs::exists(out));
  r = seek({"logits", "--model", ck, "--tokens", "1", "--out", out, "--mtp", out + ".mtp"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("--mtp"), std::string::npos) << r.err;
  // Truncated shards.
  const fs::path bad = *dir_ / "bad";
  fs::create_directories(bad);
  fs::copy_file(fs::path(ck) / "config.json", bad / "config.json");
  fs::copy_file(fs::path(ck) / "model.safetensors.index.json", bad / "model.safetensors.index.json");
  for (const auto& entry : fs::directory_iterator(ck)) {
    if (entry.path().extension() != ".safetensors") continue;
    std::ofstream(bad / entry.path().filename(), std::ios::binary) << slurp(entry.path()).substr(0, 1000);
  }
  r = seek({"logits", "--model", bad.string(), "--tokens", "1", "--out", out});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("safetensors"), std::string::npos) << r.err;
  r = seek({"logits", "--model", (*dir_ / "nope").string(), "--tokens", "1", "--out", out});
  EXPECT_EQ(r.exit_code, 1);
}

}  // namespace
}  // namespace seek::testing
