// Checkpoint tensors for the forward pass (see weights.h).
#include "engine/checkpoint/weights.h"

#include <fmt/format.h>

#include <cstring>

#include "engine/checkpoint/inventory.h"
#include "engine/checkpoint/quant.h"

namespace seek::engine {

Result<std::unique_ptr<ModelWeights>> ModelWeights::load(const std::string& dir) {
  auto weights = std::make_unique<ModelWeights>();
  SEEK_ASSIGN_OR_RETURN(weights->config_, load_model_config(dir));
  SEEK_ASSIGN_OR_RETURN(weights->checkpoint_, Checkpoint::open(dir));
  SEEK_RETURN_IF_ERROR(validate_checkpoint(weights->checkpoint_, weights->config_));
  return weights;
}

// Tensors were validated against the inventory at load, so lookups cannot miss.
const std::uint16_t* ModelWeights::bf16(const std::string& name) const {
  return reinterpret_cast<const std::uint16_t*>(checkpoint_.get(name)->data);
}
const float* ModelWeights::f32(const std::string& name) const {
  return reinterpret_cast<const float*>(checkpoint_.get(name)->data);
}
const std::int64_t* ModelWeights::i64(const std::string& name) const {
  return reinterpret_cast<const std::int64_t*>(checkpoint_.get(name)->data);
}

QuantLinearWeight ModelWeights::linear(const std::string& prefix) const {
  const TensorView w = *checkpoint_.get(prefix + ".weight");
  const TensorView s = *checkpoint_.get(prefix + ".scale");
  QuantLinearWeight q;
  q.weight = reinterpret_cast<const std::uint8_t*>(w.data);
  q.scale = reinterpret_cast<const std::uint8_t*>(s.data);
  q.out = w.shape[0];
  q.format = w.dtype == DType::kI8 ? WeightFormat::kMxfp4 : WeightFormat::kFp8Block128;
  q.in = q.format == WeightFormat::kMxfp4 ? w.shape[1] * 2 : w.shape[1];
  return q;
}

const std::vector<float>& ModelWeights::norm(const std::string& name) { return widened(name); }

const std::vector<float>& ModelWeights::widened(const std::string& name) {
  auto it = floats_.find(name);
  if (it != floats_.end()) return it->second;
  const TensorView t = *checkpoint_.get(name);
  std::vector<float> v(static_cast<std::size_t>(t.numel()));
  const auto* bits = reinterpret_cast<const std::uint16_t*>(t.data);
  for (std::size_t i = 0; i < v.size(); ++i) v[i] = quant::bf16_to_float(bits[i]);
  return floats_.emplace(name, std::move(v)).first->second;
}

const std::vector<std::uint16_t>& ModelWeights::wo_a_bf16(const std::string& prefix) {
  auto it = halves_.find(prefix);
  if (it != halves_.end()) return it->second;
  const TensorView w = *checkpoint_.get(prefix + ".weight");
  std::vector<std::uint16_t> out(static_cast<std::size_t>(w.numel()));
  if (w.dtype == DType::kBF16) {
    std::memcpy(out.data(), w.data, out.size() * 2);
  } else {
    // convert.py: weight.float() * scale per 128x128 tile, then BF16.
    const TensorView s = *checkpoint_.get(prefix + ".scale");
    const std::int64_t rows = w.shape[0], cols = w.shape[1], col_blocks = (cols + 127) / 128;
    const auto* q = reinterpret_cast<const std::uint8_t*>(w.data);
    const auto* sc = reinterpret_cast<const std::uint8_t*>(s.data);
    for (std::int64_t r = 0; r < rows; ++r) {
      for (std::int64_t c = 0; c < cols; ++c) {
        const float v = quant::e4m3_to_float(q[r * cols + c]) * quant::e8m0_to_float(sc[(r / 128) * col_blocks + c / 128]);
        out[static_cast<std::size_t>(r * cols + c)] = quant::float_to_bf16(v);
      }
    }
  }
  return halves_.emplace(prefix, std::move(out)).first->second;
}

}  // namespace seek::engine
