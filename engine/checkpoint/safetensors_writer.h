// Writing safetensors files and a sharded checkpoint's index, for `seek model init` and
// tests. Files are written atomically (temp + fsync + rename); the header lists tensors in
// insertion order with contiguous, 8-byte-aligned data as the reference writer does.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "base/result.h"
#include "engine/checkpoint/safetensors.h"

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

/// Writes one .safetensors file whose tensor data is produced one tensor at a time (so a
/// large shard never sits in memory): `produce(i, bytes)` fills the bytes of tensors[i],
/// whose `data` fields are ignored here.
Status write_safetensors_streamed(const std::string& path, const std::vector<TensorToWrite>& tensors,
                                  const std::function<Status(std::size_t, std::vector<std::byte>&)>& produce);

/// Writes model.safetensors.index.json for shards: tensor name -> shard file name.
Status write_safetensors_index(const std::string& dir, const std::map<std::string, std::string>& weight_map,
                               std::uint64_t total_size);

}  // namespace seek::engine
