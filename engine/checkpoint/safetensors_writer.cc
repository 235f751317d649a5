// safetensors writing (see safetensors_writer.h).
#include "engine/checkpoint/safetensors_writer.h"

#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include "base/fs.h"

namespace seek::engine {
namespace {

using OrderedJson = nlohmann::ordered_json;

Status write_atomically(const std::string& path, const std::vector<std::string_view>& parts) {
  SEEK_ASSIGN_OR_RETURN(AtomicFile file, AtomicFile::create(path));
  for (std::string_view part : parts) SEEK_RETURN_IF_ERROR(file.write(part));
  return file.commit();
}

}  // namespace

Status write_safetensors(const std::string& path, const std::vector<TensorToWrite>& tensors,
                         const std::map<std::string, std::string>& metadata) {
  OrderedJson header = OrderedJson::object();
  if (!metadata.empty()) {
    OrderedJson meta = OrderedJson::object();
    for (const auto& [k, v] : metadata) meta[k] = v;
    header["__metadata__"] = meta;
  }
  std::uint64_t offset = 0;
  for (const TensorToWrite& t : tensors) {
    std::uint64_t numel = 1;
    for (auto d : t.shape) numel *= static_cast<std::uint64_t>(d);
    if (numel * dtype_size(t.dtype) != t.data.size()) {
      return make_error(ErrorCode::kInvalidArgument, fmt::format("tensor '{}': {} data bytes for {} elements of {}", t.name,
                                                                 t.data.size(), numel, dtype_name(t.dtype)));
    }
    OrderedJson entry;
    entry["dtype"] = dtype_name(t.dtype);
    entry["shape"] = t.shape;
    entry["data_offsets"] = {offset, offset + t.data.size()};
    header[t.name] = entry;
    offset += t.data.size();
  }
  std::string header_text = header.dump();
  header_text.append((8 - (8 + header_text.size()) % 8) % 8, ' ');  // data starts 8-aligned
  const std::uint64_t length = header_text.size();
  char length_bytes[8];
  std::memcpy(length_bytes, &length, 8);
  std::vector<std::string_view> parts = {std::string_view(length_bytes, 8), header_text};
  for (const TensorToWrite& t : tensors) parts.emplace_back(reinterpret_cast<const char*>(t.data.data()), t.data.size());
  return write_atomically(path, parts);
}

Status write_safetensors_streamed(const std::string& path, const std::vector<TensorToWrite>& tensors,
                                  const std::function<Status(std::size_t, std::vector<std::byte>&)>& produce) {
  OrderedJson header = OrderedJson::object();
  std::uint64_t offset = 0;
  std::vector<std::uint64_t> sizes;
  for (const TensorToWrite& t : tensors) {
    std::uint64_t bytes = dtype_size(t.dtype);
    for (auto d : t.shape) bytes *= static_cast<std::uint64_t>(d);
    OrderedJson entry;
    entry["dtype"] = dtype_name(t.dtype);
    entry["shape"] = t.shape;
    entry["data_offsets"] = {offset, offset + bytes};
    header[t.name] = entry;
    offset += bytes;
    sizes.push_back(bytes);
  }
  std::string header_text = header.dump();
  header_text.append((8 - (8 + header_text.size()) % 8) % 8, ' ');
  const std::uint64_t length = header_text.size();
  SEEK_ASSIGN_OR_RETURN(AtomicFile file, AtomicFile::create(path));
  SEEK_RETURN_IF_ERROR(file.write(&length, 8));
  SEEK_RETURN_IF_ERROR(file.write(header_text));
  std::vector<std::byte> bytes;
  for (std::size_t i = 0; i < tensors.size(); ++i) {
    bytes.assign(sizes[i], std::byte{0});
    SEEK_RETURN_IF_ERROR(produce(i, bytes));
    if (bytes.size() != sizes[i]) {
      return make_error(ErrorCode::kInternal, fmt::format("tensor '{}': produced {} bytes, expected {}", tensors[i].name,
                                                          bytes.size(), sizes[i]));
    }
    SEEK_RETURN_IF_ERROR(file.write(bytes.data(), bytes.size()));
  }
  return file.commit();  // an early return above leaves no temporary file behind
}

Status write_safetensors_index(const std::string& dir, const std::map<std::string, std::string>& weight_map,
                               std::uint64_t total_size) {
  OrderedJson index;
  index["metadata"] = {{"total_size", total_size}};
  OrderedJson map = OrderedJson::object();
  for (const auto& [name, file] : weight_map) map[name] = file;
  index["weight_map"] = map;
  const std::string text = index.dump(2) + "\n";
  return write_atomically(dir + "/model.safetensors.index.json", {text});
}

}  // namespace seek::engine
