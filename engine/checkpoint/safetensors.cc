// safetensors reading and validation (see safetensors.h).
#include "engine/checkpoint/safetensors.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <limits>
#include <nlohmann/json.hpp>
#include <sstream>

namespace seek::engine {
namespace {

namespace fs = std::filesystem;
using Json = nlohmann::json;

// A header larger than this is not a checkpoint header (the real V4-Pro shards use < 2 MB).
constexpr std::uint64_t kMaxHeaderBytes = 100u << 20;

Error corrupt(const std::string& file, const std::string& what) {
  return make_error(ErrorCode::kCorrupt, fmt::format("{}: {}", file, what));
}

}  // namespace

std::string_view dtype_name(DType dtype) {
  switch (dtype) {
    case DType::kBF16: return "BF16";
    case DType::kF32: return "F32";
    case DType::kF8E4M3: return "F8_E4M3";
    case DType::kF8E8M0: return "F8_E8M0";
    case DType::kI8: return "I8";
    case DType::kI64: return "I64";
  }
  return "?";
}

std::size_t dtype_size(DType dtype) {
  switch (dtype) {
    case DType::kBF16: return 2;
    case DType::kF32: return 4;
    case DType::kF8E4M3:
    case DType::kF8E8M0:
    case DType::kI8: return 1;
    case DType::kI64: return 8;
  }
  return 0;
}

Result<DType> parse_dtype(std::string_view name) {
  for (DType d : {DType::kBF16, DType::kF32, DType::kF8E4M3, DType::kF8E8M0, DType::kI8, DType::kI64}) {
    if (dtype_name(d) == name) return d;
  }
  return make_error(ErrorCode::kUnsupported, fmt::format("unsupported dtype '{}'", name));
}

std::int64_t TensorView::numel() const {
  std::int64_t n = 1;
  for (auto d : shape) n *= d;
  return n;
}

std::string TensorView::describe() const {
  std::string dims;
  for (std::size_t i = 0; i < shape.size(); ++i) dims += (i ? ", " : "") + std::to_string(shape[i]);
  return fmt::format("{} {}[{}] in {}", name, dtype_name(dtype), dims, fs::path(file).filename().string());
}

SafetensorsFile::SafetensorsFile(SafetensorsFile&& other) noexcept
    : path_(std::move(other.path_)),
      base_(std::exchange(other.base_, nullptr)),
      size_(std::exchange(other.size_, 0)),
      tensors_(std::move(other.tensors_)),
      metadata_(std::move(other.metadata_)) {}

SafetensorsFile& SafetensorsFile::operator=(SafetensorsFile&& other) noexcept {
  if (this != &other) {
    if (base_) munmap(base_, size_);
    path_ = std::move(other.path_);
    base_ = std::exchange(other.base_, nullptr);
    size_ = std::exchange(other.size_, 0);
    tensors_ = std::move(other.tensors_);
    metadata_ = std::move(other.metadata_);
  }
  return *this;
}

SafetensorsFile::~SafetensorsFile() {
  if (base_) munmap(base_, size_);
}

Result<SafetensorsFile> SafetensorsFile::open(const std::string& path) {
  SafetensorsFile file;
  file.path_ = path;
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return make_error(errno == ENOENT ? ErrorCode::kNotFound : ErrorCode::kIo,
                                fmt::format("{}: cannot open: {}", path, std::strerror(errno)));
  struct stat st {};
  if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    ::close(fd);
    return corrupt(path, "not a regular file");
  }
  file.size_ = static_cast<std::size_t>(st.st_size);
  if (file.size_ < 8) {
    ::close(fd);
    return corrupt(path, fmt::format("truncated: {} bytes, shorter than the 8-byte header length", file.size_));
  }
  // Private read-only mapping: pages come from the page cache on demand; nothing is copied.
  file.base_ = mmap(nullptr, file.size_, PROT_READ, MAP_PRIVATE, fd, 0);
  ::close(fd);
  if (file.base_ == MAP_FAILED) {
    file.base_ = nullptr;
    return make_error(ErrorCode::kIo, fmt::format("{}: mmap failed: {}", path, std::strerror(errno)));
  }
  const auto* bytes = static_cast<const std::byte*>(file.base_);
  std::uint64_t header_length = 0;
  std::memcpy(&header_length, bytes, 8);  // little-endian on every target we build for
  if (header_length > kMaxHeaderBytes || header_length > file.size_ - 8) {
    return corrupt(path, fmt::format("header length {} does not fit in the file ({} bytes): truncated or not safetensors",
                                     header_length, file.size_));
  }
  const std::string_view header_text(reinterpret_cast<const char*>(bytes + 8), header_length);
  Json header = Json::parse(header_text, nullptr, /*allow_exceptions=*/false);
  if (header.is_discarded() || !header.is_object()) return corrupt(path, "the header is not a JSON object");
  const std::size_t data_start = 8 + header_length;
  const std::size_t data_size = file.size_ - data_start;

  struct Span {
    std::uint64_t begin, end;
    const std::string* name;
  };
  std::vector<Span> spans;
  for (const auto& [name, entry] : header.items()) {
    if (name == "__metadata__") {
      if (!entry.is_object()) return corrupt(path, "__metadata__ is not an object");
      for (const auto& [key, value] : entry.items()) {
        if (!value.is_string()) return corrupt(path, fmt::format("__metadata__.{} is not a string", key));
        file.metadata_[key] = value.get<std::string>();
      }
      continue;
    }
    const auto where = [&](const std::string& what) { return corrupt(path, fmt::format("tensor '{}': {}", name, what)); };
    if (!entry.is_object() || !entry.contains("dtype") || !entry["dtype"].is_string() || !entry.contains("shape") ||
        !entry["shape"].is_array() || !entry.contains("data_offsets") || !entry["data_offsets"].is_array() ||
        entry["data_offsets"].size() != 2) {
      return where("needs a string dtype, a shape list and two data_offsets");
    }
    auto dtype = parse_dtype(entry["dtype"].get<std::string>());
    if (!dtype.ok()) return where(dtype.error().message);
    TensorView view;
    view.name = name;
    view.dtype = *dtype;
    view.file = path;
    unsigned __int128 elements = 1;
    for (const auto& dim : entry["shape"]) {
      if (!dim.is_number_unsigned() && !(dim.is_number_integer() && dim.get<std::int64_t>() >= 0)) {
        return where(fmt::format("bad dimension {}", dim.dump()));
      }
      view.shape.push_back(dim.get<std::int64_t>());
      elements *= static_cast<unsigned __int128>(dim.get<std::uint64_t>());
      if (elements > std::numeric_limits<std::uint64_t>::max()) return where("shape overflows");
    }
    const Json& offsets = entry["data_offsets"];
    if (!offsets[0].is_number_unsigned() || !offsets[1].is_number_unsigned()) return where("data_offsets must be unsigned");
    const std::uint64_t begin = offsets[0].get<std::uint64_t>(), end = offsets[1].get<std::uint64_t>();
    if (end < begin || end > data_size) {
      return where(fmt::format("data_offsets [{}, {}] fall outside the {} data bytes (truncated file?)", begin, end, data_size));
    }
    const unsigned __int128 expected = elements * dtype_size(view.dtype);
    if (expected != end - begin) {
      return where(fmt::format("{} × {} bytes = {} bytes, but data_offsets span {} bytes", static_cast<std::uint64_t>(elements),
                               dtype_size(view.dtype), static_cast<std::uint64_t>(expected), end - begin));
    }
    view.data = bytes + data_start + begin;
    view.bytes = end - begin;
    auto [it, inserted] = file.tensors_.emplace(name, std::move(view));
    spans.push_back({begin, end, &it->first});
  }
  std::sort(spans.begin(), spans.end(), [](const Span& a, const Span& b) { return a.begin < b.begin; });
  for (std::size_t i = 1; i < spans.size(); ++i) {
    if (spans[i].begin < spans[i - 1].end) {
      return corrupt(path, fmt::format("tensors '{}' and '{}' overlap", *spans[i - 1].name, *spans[i].name));
    }
  }
  return file;
}

Result<Checkpoint> Checkpoint::open(const std::string& dir) {
  Checkpoint checkpoint;
  checkpoint.dir_ = dir;
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) return make_error(ErrorCode::kNotFound, fmt::format("{}: not a directory", dir));
  const fs::path index_path = fs::path(dir) / "model.safetensors.index.json";
  std::map<std::string, std::vector<std::string>> names_by_file;  // shard -> tensors the index puts there
  if (fs::exists(index_path, ec)) {
    std::ifstream in(index_path);
    std::stringstream text;
    text << in.rdbuf();
    Json index = Json::parse(text.str(), nullptr, /*allow_exceptions=*/false);
    if (index.is_discarded() || !index.is_object() || !index.contains("weight_map") || !index["weight_map"].is_object()) {
      return corrupt(index_path.string(), "not a JSON object with a 'weight_map' object");
    }
    for (const auto& [name, file] : index["weight_map"].items()) {
      if (!file.is_string()) return corrupt(index_path.string(), fmt::format("weight_map['{}'] is not a file name", name));
      const std::string shard = file.get<std::string>();
      if (shard.empty() || shard.find('/') != std::string::npos || shard == "..") {
        return corrupt(index_path.string(), fmt::format("weight_map['{}'] names '{}', which is not a file in the directory", name, shard));
      }
      names_by_file[shard].push_back(name);
    }
    if (names_by_file.empty()) return corrupt(index_path.string(), "the weight_map is empty");
  } else if (fs::exists(fs::path(dir) / "model.safetensors", ec)) {
    names_by_file["model.safetensors"] = {};
  } else {
    return make_error(ErrorCode::kNotFound,
                      fmt::format("{}: no model.safetensors.index.json and no model.safetensors", dir));
  }
  for (const auto& [shard, names] : names_by_file) {
    SEEK_ASSIGN_OR_RETURN(SafetensorsFile file, SafetensorsFile::open((fs::path(dir) / shard).string()));
    auto owned = std::make_unique<SafetensorsFile>(std::move(file));
    for (const std::string& name : names) {
      if (!owned->tensors().count(name)) {
        return corrupt(owned->path(), fmt::format("the index puts tensor '{}' here, but the file does not hold it", name));
      }
    }
    for (const auto& [name, view] : owned->tensors()) {
      if (checkpoint.tensors_.count(name)) {
        return corrupt(owned->path(), fmt::format("tensor '{}' is also in {}", name, checkpoint.tensors_.at(name).file));
      }
      checkpoint.tensors_.emplace(name, view);
    }
    checkpoint.files_.push_back(std::move(owned));
  }
  return checkpoint;
}

Result<TensorView> Checkpoint::get(std::string_view name) const {
  auto it = tensors_.find(name);
  if (it == tensors_.end()) return make_error(ErrorCode::kNotFound, fmt::format("{}: tensor '{}' is missing", dir_, name));
  return it->second;
}

std::size_t Checkpoint::mapped_bytes() const {
  std::size_t total = 0;
  for (const auto& f : files_) total += f->mapped_bytes();
  return total;
}

}  // namespace seek::engine
