// Checkpoint reading: a sharded checkpoint maps and resolves every tensor without copying;
// each kind of damage (truncation, bad header, unknown dtype, size mismatch, offsets outside,
// overlap, index pointing at the wrong shard, duplicates, missing shard) is a clear error
// naming the file and the tensor.
#include "engine/checkpoint/safetensors.h"

#include <gtest/gtest.h>

#include <cstring>
#include <filesystem>
#include <fstream>

#include "engine/checkpoint/safetensors_writer.h"
#include "tests/support/temp_dir.h"

namespace seek::engine {
namespace {

namespace fs = std::filesystem;

TensorToWrite tensor(const std::string& name, DType dtype, std::vector<std::int64_t> shape, std::uint8_t fill) {
  std::int64_t n = 1;
  for (auto d : shape) n *= d;
  TensorToWrite t{name, dtype, std::move(shape), {}};
  t.data.assign(static_cast<std::size_t>(n) * dtype_size(dtype), std::byte{fill});
  return t;
}

// A raw safetensors file from a header text and a data length, for damaged cases.
void write_raw(const fs::path& path, const std::string& header, std::size_t data_bytes, std::size_t truncate_to = SIZE_MAX) {
  std::string bytes(8, '\0');
  const std::uint64_t length = header.size();
  std::memcpy(bytes.data(), &length, 8);
  bytes += header;
  bytes.append(data_bytes, '\x01');
  if (truncate_to < bytes.size()) bytes.resize(truncate_to);
  std::ofstream(path, std::ios::binary) << bytes;
}

std::string error_of(const fs::path& dir) {
  auto checkpoint = Checkpoint::open(dir.string());
  return checkpoint.ok() ? "(opened)" : checkpoint.error().message;
}

TEST(Safetensors, ShardedCheckpointMapsEveryTensor) {
  testing::TempDir dir("sk-st-");
  ASSERT_TRUE(write_safetensors((dir / "model-00001-of-00002.safetensors").string(),
                                {tensor("embed.weight", DType::kBF16, {16, 8}, 1), tensor("norm.weight", DType::kF32, {8}, 2)})
                  .ok());
  ASSERT_TRUE(write_safetensors((dir / "model-00002-of-00002.safetensors").string(),
                                {tensor("w.weight", DType::kF8E4M3, {4, 6}, 3), tensor("w.scale", DType::kF8E8M0, {1, 1}, 127),
                                 tensor("e.weight", DType::kI8, {4, 3}, 0x21), tensor("tid2eid", DType::kI64, {5, 2}, 0)})
                  .ok());
  ASSERT_TRUE(write_safetensors_index(dir.path().string(),
                                      {{"embed.weight", "model-00001-of-00002.safetensors"},
                                       {"norm.weight", "model-00001-of-00002.safetensors"},
                                       {"w.weight", "model-00002-of-00002.safetensors"},
                                       {"w.scale", "model-00002-of-00002.safetensors"},
                                       {"e.weight", "model-00002-of-00002.safetensors"},
                                       {"tid2eid", "model-00002-of-00002.safetensors"}},
                                      256 + 32 + 24 + 1 + 12 + 80)
                  .ok());
  auto checkpoint = Checkpoint::open(dir.path().string());
  ASSERT_TRUE(checkpoint.ok()) << checkpoint.error().message;
  EXPECT_EQ(checkpoint->tensors().size(), 6u);
  auto embed = checkpoint->get("embed.weight");
  ASSERT_TRUE(embed.ok());
  EXPECT_EQ(embed->shape, (std::vector<std::int64_t>{16, 8}));
  EXPECT_EQ(embed->bytes, 256u);
  EXPECT_EQ(static_cast<unsigned>(embed->data[0]), 1u);
  EXPECT_EQ(reinterpret_cast<std::uintptr_t>(embed->data) % 8, 0u) << "data is 8-byte aligned";
  auto scale = checkpoint->get("w.scale");
  EXPECT_EQ(static_cast<unsigned>(scale->data[0]), 127u);
  EXPECT_EQ(checkpoint->get("e.weight")->dtype, DType::kI8);
  EXPECT_EQ(checkpoint->get("tid2eid")->bytes, 80u);
  auto missing = checkpoint->get("head.weight");
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.error().message.find("head.weight"), std::string::npos);
}

TEST(Safetensors, SingleFileWithoutIndex) {
  testing::TempDir dir("sk-st-");
  ASSERT_TRUE(write_safetensors((dir / "model.safetensors").string(), {tensor("a", DType::kF32, {2}, 0)}, {{"format", "pt"}}).ok());
  auto checkpoint = Checkpoint::open(dir.path().string());
  ASSERT_TRUE(checkpoint.ok()) << checkpoint.error().message;
  EXPECT_TRUE(checkpoint->contains("a"));
}

struct DamageCase {
  const char* what;
  std::string header;
  std::size_t data_bytes;
  std::size_t truncate_to;
  const char* expected;  // a phrase the error must contain
};

TEST(Safetensors, DamageIsAClearError) {
  const DamageCase cases[] = {
      {"truncated data", R"({"t":{"dtype":"F32","shape":[4],"data_offsets":[0,16]}})", 16, 8 + 57 + 10, "outside"},
      {"header length beyond the file", R"({"t":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}})", 4, 20, "header length"},
      {"not JSON", "{not json", 0, SIZE_MAX, "not a JSON object"},
      {"unknown dtype", R"({"t":{"dtype":"Q4_K","shape":[4],"data_offsets":[0,4]}})", 4, SIZE_MAX, "unsupported dtype 'Q4_K'"},
      {"size mismatch", R"({"t":{"dtype":"BF16","shape":[3],"data_offsets":[0,4]}})", 4, SIZE_MAX, "3 × 2 bytes = 6 bytes"},
      {"overlap", R"({"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"F32","shape":[2],"data_offsets":[4,12]}})",
       12, SIZE_MAX, "overlap"},
      {"negative dim", R"({"t":{"dtype":"F32","shape":[-1],"data_offsets":[0,4]}})", 4, SIZE_MAX, "bad dimension"},
      {"missing offsets", R"({"t":{"dtype":"F32","shape":[1]}})", 4, SIZE_MAX, "data_offsets"},
  };
  for (const DamageCase& c : cases) {
    testing::TempDir dir("sk-st-");
    write_raw(dir / "model.safetensors", c.header, c.data_bytes, c.truncate_to);
    const std::string error = error_of(dir.path());
    EXPECT_NE(error.find(c.expected), std::string::npos) << c.what << ": " << error;
    EXPECT_NE(error.find("model.safetensors"), std::string::npos) << c.what << " must name the file: " << error;
  }
  testing::TempDir tiny("sk-st-");
  std::ofstream(tiny / "model.safetensors") << "abc";
  EXPECT_NE(error_of(tiny.path()).find("truncated"), std::string::npos);
}

TEST(Safetensors, IndexProblemsAreClearErrors) {
  testing::TempDir dir("sk-st-");
  ASSERT_TRUE(write_safetensors((dir / "a.safetensors").string(), {tensor("x", DType::kF32, {1}, 0)}).ok());
  ASSERT_TRUE(write_safetensors((dir / "b.safetensors").string(), {tensor("x", DType::kF32, {1}, 0)}).ok());
  ASSERT_TRUE(write_safetensors_index(dir.path().string(), {{"x", "a.safetensors"}, {"y", "a.safetensors"}}, 4).ok());
  std::string error = error_of(dir.path());
  EXPECT_NE(error.find("'y'"), std::string::npos) << error;
  EXPECT_NE(error.find("a.safetensors"), std::string::npos) << error;

  ASSERT_TRUE(write_safetensors_index(dir.path().string(), {{"x", "a.safetensors"}, {"z", "b.safetensors"}}, 4).ok());
  error = error_of(dir.path());
  EXPECT_NE(error.find("'z'"), std::string::npos) << error;

  ASSERT_TRUE(write_safetensors_index(dir.path().string(), {{"x", "missing.safetensors"}}, 4).ok());
  error = error_of(dir.path());
  EXPECT_NE(error.find("missing.safetensors"), std::string::npos) << error;

  // The same tensor in two shards.
  ASSERT_TRUE(write_safetensors((dir / "b.safetensors").string(), {tensor("x", DType::kF32, {1}, 0), tensor("w", DType::kF32, {1}, 0)}).ok());
  ASSERT_TRUE(write_safetensors_index(dir.path().string(), {{"x", "a.safetensors"}, {"w", "b.safetensors"}}, 8).ok());
  error = error_of(dir.path());
  EXPECT_NE(error.find("'x' is also in"), std::string::npos) << error;

  std::ofstream(dir / "model.safetensors.index.json") << "{\"weight_map\": {\"x\": \"../etc/passwd\"}}";
  EXPECT_NE(error_of(dir.path()).find("not a file in the directory"), std::string::npos);
  std::ofstream(dir / "model.safetensors.index.json") << "[]";
  EXPECT_NE(error_of(dir.path()).find("weight_map"), std::string::npos);
  testing::TempDir empty("sk-st-");
  EXPECT_NE(error_of(empty.path()).find("no model.safetensors"), std::string::npos);
  EXPECT_NE(error_of("/nonexistent-dir").find("not a directory"), std::string::npos);
}

}  // namespace
}  // namespace seek::engine
