// safetensors writing (see safetensors_writer.h).
#include "engine/model/safetensors_writer.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <nlohmann/json.hpp>

namespace seek::engine {
namespace {

using OrderedJson = nlohmann::ordered_json;

Status write_atomically(const std::string& path, const std::vector<std::string_view>& parts) {
  const std::string temp = path + ".tmp-" + std::to_string(::getpid());
  const int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return make_error(ErrorCode::kIo, fmt::format("{}: cannot create: {}", temp, std::strerror(errno)));
  for (std::string_view part : parts) {
    std::size_t done = 0;
    while (done < part.size()) {
      const ssize_t n = ::write(fd, part.data() + done, part.size() - done);
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) {
        const int err = errno;
        ::close(fd);
        ::unlink(temp.c_str());
        return make_error(ErrorCode::kIo, fmt::format("{}: write failed: {}", path, std::strerror(err)));
      }
      done += static_cast<std::size_t>(n);
    }
  }
  if (::fsync(fd) != 0 || ::close(fd) != 0 || ::rename(temp.c_str(), path.c_str()) != 0) {
    ::unlink(temp.c_str());
    return make_error(ErrorCode::kIo, fmt::format("{}: cannot finish writing: {}", path, std::strerror(errno)));
  }
  return ok_status();
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
  const std::string temp = path + ".tmp-" + std::to_string(::getpid());
  const int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return make_error(ErrorCode::kIo, fmt::format("{}: cannot create: {}", temp, std::strerror(errno)));
  const auto put = [&](const void* data, std::size_t size) -> Status {
    const char* p = static_cast<const char*>(data);
    while (size > 0) {
      const ssize_t n = ::write(fd, p, size);
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) return make_error(ErrorCode::kIo, fmt::format("{}: write failed: {}", path, std::strerror(errno)));
      p += n;
      size -= static_cast<std::size_t>(n);
    }
    return ok_status();
  };
  Status status = put(&length, 8);
  if (status.ok()) status = put(header_text.data(), header_text.size());
  std::vector<std::byte> bytes;
  for (std::size_t i = 0; status.ok() && i < tensors.size(); ++i) {
    bytes.assign(sizes[i], std::byte{0});
    status = produce(i, bytes);
    if (status.ok() && bytes.size() != sizes[i]) {
      status = make_error(ErrorCode::kInternal, fmt::format("tensor '{}': produced {} bytes, expected {}", tensors[i].name,
                                                           bytes.size(), sizes[i]));
    }
    if (status.ok()) status = put(bytes.data(), bytes.size());
  }
  if (status.ok() && (::fsync(fd) != 0 || ::close(fd) != 0)) {
    status = make_error(ErrorCode::kIo, fmt::format("{}: cannot flush", path));
  } else if (!status.ok()) {
    ::close(fd);
  }
  if (status.ok() && ::rename(temp.c_str(), path.c_str()) != 0) {
    status = make_error(ErrorCode::kIo, fmt::format("{}: cannot rename into place", path));
  }
  if (!status.ok()) ::unlink(temp.c_str());
  return status;
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
