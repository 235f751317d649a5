// Writing safetensors files and a sharded checkpoint's index, for `seek model init` and
// tests. Files are written atomically (temp + fsync + rename); the header lists tensors in
// insertion order with contiguous, 8-byte-aligned data as the reference writer does.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "base/result.h"
#include "engine/model/safetensors.h"

namespace seek::engine {

struct TensorToWrite {
  std::string name;
  DType dtype = DType::kF32;
  std::vector<std::int64_t> shape;
  std::vector<std::byte> data;  ///< exactly numel × dtype_size bytes
};

/// Writes one .safetensors file. Fails if a tensor's data size does not match its shape.
Status write_safetensors(const std::string& path, const std::vector<TensorToWrite>& tensors,
                         const std::map<std::string, std::string>& metadata = {});

/// Writes model.safetensors.index.json for shards: tensor name -> shard file name.
Status write_safetensors_index(const std::string& dir, const std::map<std::string, std::string>& weight_map,
                               std::uint64_t total_size);

}  // namespace seek::engine
