// Random checkpoint writing (see random_checkpoint.h).
#include "engine/checkpoint/random_checkpoint.h"

#include <fmt/format.h>

#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>

#include "engine/checkpoint/inventory.h"
#include "engine/checkpoint/presets.h"
#include "engine/checkpoint/quant.h"
#include "engine/checkpoint/safetensors_writer.h"

namespace seek::engine {
namespace {

namespace fs = std::filesystem;

// xoshiro256** seeded by splitmix64 of (seed, name): fast, and independent per tensor.
class Rng {
 public:
  Rng(std::uint64_t seed, const std::string& name) {
    std::uint64_t x = seed ^ 0x9E3779B97F4A7C15ULL;
    for (char c : name) x = (x ^ static_cast<unsigned char>(c)) * 0x100000001B3ULL;
    for (auto& s : state_) s = splitmix(x);
  }
  std::uint64_t next() {
    const std::uint64_t result = rotl(state_[1] * 5, 7) * 9;
    const std::uint64_t t = state_[1] << 17;
    state_[2] ^= state_[0];
    state_[3] ^= state_[1];
    state_[1] ^= state_[2];
    state_[0] ^= state_[3];
    state_[2] ^= t;
    state_[3] = rotl(state_[3], 45);
    return result;
  }
  double uniform() { return static_cast<double>(next() >> 11) * 0x1.0p-53; }
  float normal() {  // Box-Muller
    if (has_spare_) {
      has_spare_ = false;
      return spare_;
    }
    const double u1 = std::max(uniform(), 1e-300), u2 = uniform();
    const double r = std::sqrt(-2.0 * std::log(u1));
    spare_ = static_cast<float>(r * std::sin(2 * M_PI * u2));
    has_spare_ = true;
    return static_cast<float>(r * std::cos(2 * M_PI * u2));
  }

 private:
  static std::uint64_t rotl(std::uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
  static std::uint64_t splitmix(std::uint64_t& x) {
    std::uint64_t z = (x += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
  }
  std::uint64_t state_[4];
  float spare_ = 0;
  bool has_spare_ = false;
};

bool ends_with(const std::string& s, std::string_view suffix) { return s.size() >= suffix.size() && s.ends_with(suffix); }

// The float values of a tensor (before its storage format), by what the tensor is.
std::vector<float> values_for(const ExpectedTensor& t, const ModelConfig& c, Rng& rng) {
  std::int64_t n = 1;
  for (auto d : t.shape) n *= d;
  std::vector<float> v(static_cast<std::size_t>(n));
  const auto fill_normal = [&](float stddev, float mean = 0.0f) {
    for (auto& x : v) x = mean + stddev * rng.normal();
  };
  const std::string& name = t.name;
  const float fan_in = t.shape.size() == 2 ? static_cast<float>(t.shape[1]) : 1.0f;
  if (ends_with(name, "norm.weight")) {
    fill_normal(0.02f, 1.0f);  // RMSNorm gains near 1
  } else if (name == "embed.weight") {
    fill_normal(1.0f);
  } else if (ends_with(name, "_fn")) {
    fill_normal(0.5f / std::sqrt(fan_in));  // mHC mixes: small, so streams stay balanced
  } else if (ends_with(name, "_base")) {
    fill_normal(0.1f);
  } else if (ends_with(name, "_scale") && t.dtype == DType::kF32) {
    fill_normal(0.05f, 0.5f);
  } else if (ends_with(name, "attn_sink")) {
    fill_normal(0.5f);
  } else if (ends_with(name, ".ape")) {
    fill_normal(0.02f);
  } else if (ends_with(name, "gate.bias")) {
    fill_normal(0.01f);
  } else {
    fill_normal(1.0f / std::sqrt(fan_in));  // every linear: unit-variance outputs
  }
  (void)c;
  return v;
}

// The stored bytes of one tensor. FP8 and FP4 weights are quantized together with their
// scales: the ".scale" tensor is produced from the same float values as its ".weight".
class TensorProducer {
 public:
  TensorProducer(const ModelConfig& config, std::uint64_t seed) : config_(config), seed_(seed) {}

  Status produce(const ExpectedTensor& t, const std::map<std::string, const ExpectedTensor*>& by_name,
                 std::vector<std::byte>& out) {
    if (t.dtype == DType::kF8E8M0) {  // the scale of a quantized weight
      const std::string weight_name = t.name.substr(0, t.name.size() - 6) + ".weight";
      auto it = by_name.find(weight_name);
      if (it == by_name.end()) return make_error(ErrorCode::kInternal, "no weight for scale " + t.name);
      // Normally the weight was just written and left its scale behind.
      if (auto cached = pending_scales_.find(weight_name); cached != pending_scales_.end()) {
        std::memcpy(out.data(), cached->second.data(), std::min(out.size(), cached->second.size()));
        pending_scales_.erase(cached);
        return ok_status();
      }
      std::vector<std::byte> ignored;
      return quantized(*it->second, &ignored, &out);
    }
    if (t.dtype == DType::kF8E4M3 || t.dtype == DType::kI8) return quantized(t, &out, nullptr);
    Rng rng(seed_, t.name);
    if (t.dtype == DType::kI64) {  // tid2eid: distinct experts per token
      const std::int64_t rows = t.shape[0], k = t.shape[1];
      std::vector<std::int64_t> ids(static_cast<std::size_t>(rows * k));
      std::vector<std::int64_t> pool(static_cast<std::size_t>(config_.n_routed_experts));
      for (std::int64_t r = 0; r < rows; ++r) {
        for (std::size_t e = 0; e < pool.size(); ++e) pool[e] = static_cast<std::int64_t>(e);
        for (std::int64_t j = 0; j < k; ++j) {  // partial Fisher-Yates
          const std::size_t pick = static_cast<std::size_t>(j) + rng.next() % (pool.size() - static_cast<std::size_t>(j));
          std::swap(pool[static_cast<std::size_t>(j)], pool[pick]);
          ids[static_cast<std::size_t>(r * k + j)] = pool[static_cast<std::size_t>(j)];
        }
      }
      std::memcpy(out.data(), ids.data(), out.size());
      return ok_status();
    }
    const std::vector<float> v = values_for(t, config_, rng);
    if (t.dtype == DType::kF32) {
      std::memcpy(out.data(), v.data(), out.size());
    } else {  // BF16
      for (std::size_t i = 0; i < v.size(); ++i) {
        const std::uint16_t bits = quant::float_to_bf16(v[i]);
        std::memcpy(out.data() + 2 * i, &bits, 2);
      }
    }
    return ok_status();
  }

 private:
  Status quantized(const ExpectedTensor& weight, std::vector<std::byte>* weight_out, std::vector<std::byte>* scale_out) {
    Rng rng(seed_, weight.name);
    const bool fp4 = weight.dtype == DType::kI8;
    const std::int64_t rows = weight.shape[0], cols = fp4 ? weight.shape[1] * 2 : weight.shape[1];
    ExpectedTensor logical{weight.name, weight.dtype, {rows, cols}};
    const std::vector<float> v = values_for(logical, config_, rng);
    std::vector<std::uint8_t> q(static_cast<std::size_t>(fp4 ? rows * cols / 2 : rows * cols));
    std::vector<std::uint8_t> s(static_cast<std::size_t>(fp4 ? rows * (cols / 32) : ((rows + 127) / 128) * ((cols + 127) / 128)));
    if (fp4) {
      quant::quantize_fp4_rows(v.data(), rows, cols, q.data(), s.data());
    } else {
      quant::quantize_fp8_blocks(v.data(), rows, cols, q.data(), s.data());
    }
    if (weight_out && !weight_out->empty()) {
      std::memcpy(weight_out->data(), q.data(), q.size());
      pending_scales_[weight.name] = std::move(s);
      return ok_status();
    }
    if (scale_out) std::memcpy(scale_out->data(), s.data(), std::min(s.size(), scale_out->size()));
    return ok_status();
  }

  const ModelConfig& config_;
  std::uint64_t seed_;
  std::map<std::string, std::vector<std::uint8_t>> pending_scales_;  // weight name -> its scales
};

}  // namespace

Status write_random_checkpoint(const ModelConfig& config, const std::string& out_dir,
                               const RandomCheckpointOptions& options) {
  std::error_code ec;
  fs::create_directories(out_dir, ec);
  if (ec) return make_error(ErrorCode::kIo, fmt::format("{}: cannot create: {}", out_dir, ec.message()));
  if (fs::exists(fs::path(out_dir) / "model.safetensors.index.json") || fs::exists(fs::path(out_dir) / "config.json")) {
    return make_error(ErrorCode::kAlreadyExists, fmt::format("{} already holds a checkpoint; choose an empty directory", out_dir));
  }
  const auto expected = expected_tensors(config);
  std::map<std::string, const ExpectedTensor*> by_name;
  for (const auto& t : expected) by_name[t.name] = &t;

  // Shards of roughly equal size, tensors in inventory order.
  std::uint64_t total = 0;
  std::vector<std::uint64_t> sizes;
  for (const auto& t : expected) {
    std::uint64_t bytes = dtype_size(t.dtype);
    for (auto d : t.shape) bytes *= static_cast<std::uint64_t>(d);
    sizes.push_back(bytes);
    total += bytes;
  }
  const int shard_count = std::max(1, options.shards);
  std::vector<std::vector<std::size_t>> shards(static_cast<std::size_t>(shard_count));
  std::uint64_t running = 0;
  for (std::size_t i = 0; i < expected.size(); ++i) {
    const auto shard = std::min<std::size_t>(shards.size() - 1, static_cast<std::size_t>(running * shards.size() / std::max<std::uint64_t>(total, 1)));
    shards[shard].push_back(i);
    running += sizes[i];
  }
  TensorProducer producer(config, options.seed);
  std::map<std::string, std::string> weight_map;
  for (std::size_t s = 0; s < shards.size(); ++s) {
    const std::string file = fmt::format("model-{:05d}-of-{:05d}.safetensors", s + 1, shards.size());
    std::vector<TensorToWrite> headers;
    for (std::size_t i : shards[s]) {
      headers.push_back({expected[i].name, expected[i].dtype, expected[i].shape, {}});
      weight_map[expected[i].name] = file;
    }
    SEEK_RETURN_IF_ERROR(write_safetensors_streamed((fs::path(out_dir) / file).string(), headers,
                                                    [&](std::size_t k, std::vector<std::byte>& bytes) {
                                                      return producer.produce(expected[shards[s][k]], by_name, bytes);
                                                    }));
  }
  SEEK_RETURN_IF_ERROR(write_safetensors_index(out_dir, weight_map, total));
  {
    std::ofstream file(fs::path(out_dir) / "config.json");
    file << config_json(config);
    if (!file) return make_error(ErrorCode::kIo, out_dir + "/config.json: cannot write");
  }
  if (!options.tokenizer_dir.empty()) {
    for (const char* name : {"tokenizer.json", "tokenizer_config.json"}) {
      fs::copy_file(fs::path(options.tokenizer_dir) / name, fs::path(out_dir) / name, fs::copy_options::overwrite_existing, ec);
      if (ec) return make_error(ErrorCode::kNotFound, fmt::format("cannot copy {} from {}: {}", name, options.tokenizer_dir, ec.message()));
    }
  }
  return ok_status();
}

}  // namespace seek::engine
