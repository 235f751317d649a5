// Reading checkpoints in the safetensors format, memory-mapped: one file (model.safetensors)
// or shards listed in model.safetensors.index.json. Every header is validated before any
// tensor is handed out: the header length, the JSON, known dtypes, shapes whose byte size
// matches the data offsets, offsets inside the file, no overlapping tensors, and an index
// whose every entry is found in the shard it names. Errors name the file and the tensor.
// Weights stay in their stored formats; nothing is converted or copied here.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"

namespace seek::engine {

/// The dtypes of DeepSeek V4 checkpoints. I8 holds packed MXFP4 (two E2M1 values a byte,
/// low nibble first); F8_E8M0 holds power-of-two scales.
enum class DType { kBF16, kF32, kF8E4M3, kF8E8M0, kI8, kI64 };

std::string_view dtype_name(DType dtype);
std::size_t dtype_size(DType dtype);
/// Parses a safetensors dtype string; kUnsupported (naming it) for anything else.
Result<DType> parse_dtype(std::string_view name);

/// A tensor in a mapped file. `data` stays valid while the Checkpoint lives.
struct TensorView {
  std::string name;
  DType dtype = DType::kF32;
  std::vector<std::int64_t> shape;
  const std::byte* data = nullptr;
  std::size_t bytes = 0;
  std::string file;  ///< the shard it lives in (for messages)

  std::int64_t numel() const;
  std::string describe() const;  ///< e.g. "layers.0.attn.wq_a.weight F8_E4M3[64, 256] in model-00001-of-00002.safetensors"
};

/// One mapped .safetensors file.
class SafetensorsFile {
 public:
  static Result<SafetensorsFile> open(const std::string& path);
  SafetensorsFile(SafetensorsFile&&) noexcept;
  SafetensorsFile& operator=(SafetensorsFile&&) noexcept;
  ~SafetensorsFile();

  const std::map<std::string, TensorView>& tensors() const { return tensors_; }
  const std::map<std::string, std::string>& metadata() const { return metadata_; }
  const std::string& path() const { return path_; }
  std::size_t mapped_bytes() const { return size_; }

 private:
  SafetensorsFile() = default;
  std::string path_;
  void* base_ = nullptr;
  std::size_t size_ = 0;
  std::map<std::string, TensorView> tensors_;
  std::map<std::string, std::string> metadata_;
};

/// A checkpoint directory: all its shards, mapped, and a name -> tensor map.
class Checkpoint {
 public:
  /// Opens `dir`: model.safetensors.index.json if present (every shard it names), else a
  /// single model.safetensors.
  static Result<Checkpoint> open(const std::string& dir);

  /// The tensor, or kNotFound naming it.
  Result<TensorView> get(std::string_view name) const;
  bool contains(std::string_view name) const { return tensors_.count(std::string(name)) > 0; }
  const std::map<std::string, TensorView, std::less<>>& tensors() const { return tensors_; }
  std::size_t mapped_bytes() const;
  const std::string& dir() const { return dir_; }

 private:
  std::string dir_;
  std::vector<std::unique_ptr<SafetensorsFile>> files_;
  std::map<std::string, TensorView, std::less<>> tensors_;
};

}  // namespace seek::engine
