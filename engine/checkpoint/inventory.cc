// The checkpoint inventory of a config (see inventory.h).
#include "engine/checkpoint/inventory.h"

#include <fmt/format.h>

namespace seek::engine {
namespace {

std::int64_t blocks128(std::int64_t n) { return (n + 127) / 128; }

class Builder {
 public:
  void add(std::string name, DType dtype, std::vector<std::int64_t> shape) {
    out.push_back({std::move(name), dtype, std::move(shape)});
  }
  // An FP8 linear: e4m3 weight [out, in] and a UE8M0 scale per 128x128 tile.
  void fp8_linear(const std::string& prefix, std::int64_t out_features, std::int64_t in_features) {
    add(prefix + ".weight", DType::kF8E4M3, {out_features, in_features});
    add(prefix + ".scale", DType::kF8E8M0, {blocks128(out_features), blocks128(in_features)});
  }
  // An MXFP4 linear: two E2M1 values a byte, one UE8M0 scale per 32 inputs of a row.
  void fp4_linear(const std::string& prefix, std::int64_t out_features, std::int64_t in_features) {
    add(prefix + ".weight", DType::kI8, {out_features, in_features / 2});
    add(prefix + ".scale", DType::kF8E8M0, {out_features, in_features / 32});
  }
  void bf16(const std::string& name, std::vector<std::int64_t> shape) { add(name, DType::kBF16, std::move(shape)); }
  void f32(const std::string& name, std::vector<std::int64_t> shape) { add(name, DType::kF32, std::move(shape)); }

  std::vector<ExpectedTensor> out;
};

void add_block(Builder& b, const ModelConfig& c, const std::string& p, std::int64_t layer_id) {
  const std::int64_t D = c.dim, H = c.n_heads, C = c.head_dim, Q = c.q_lora_rank, G = c.o_groups, R = c.o_lora_rank;
  const std::int64_t M = c.hc_mult, mix = (2 + M) * M, E = c.n_routed_experts, F = c.moe_inter_dim;
  for (const char* which : {"attn", "ffn"}) {
    b.f32(fmt::format("{}.hc_{}_fn", p, which), {mix, M * D});
    b.f32(fmt::format("{}.hc_{}_base", p, which), {mix});
    b.f32(fmt::format("{}.hc_{}_scale", p, which), {3});
  }
  b.bf16(p + ".attn_norm.weight", {D});
  b.bf16(p + ".ffn_norm.weight", {D});
  b.f32(p + ".attn.attn_sink", {H});
  b.fp8_linear(p + ".attn.wq_a", Q, D);
  b.bf16(p + ".attn.q_norm.weight", {Q});
  b.fp8_linear(p + ".attn.wq_b", H * C, Q);
  b.fp8_linear(p + ".attn.wkv", C, D);
  b.bf16(p + ".attn.kv_norm.weight", {C});
  b.fp8_linear(p + ".attn.wo_a", G * R, H * C / G);
  b.fp8_linear(p + ".attn.wo_b", D, G * R);
  const std::int64_t ratio = c.ratio(layer_id);
  if (ratio != 0) {
    const std::int64_t coff = ratio == 4 ? 2 : 1;  // ratio 4 compresses overlapping windows
    b.bf16(p + ".attn.compressor.wkv.weight", {coff * C, D});
    b.bf16(p + ".attn.compressor.wgate.weight", {coff * C, D});
    b.f32(p + ".attn.compressor.ape", {ratio, coff * C});
    b.bf16(p + ".attn.compressor.norm.weight", {C});
  }
  if (ratio == 4) {
    const std::int64_t IH = c.index_n_heads, IC = c.index_head_dim;
    b.fp8_linear(p + ".attn.indexer.wq_b", IH * IC, Q);
    b.bf16(p + ".attn.indexer.weights_proj.weight", {IH, D});
    b.bf16(p + ".attn.indexer.compressor.wkv.weight", {2 * IC, D});
    b.bf16(p + ".attn.indexer.compressor.wgate.weight", {2 * IC, D});
    b.f32(p + ".attn.indexer.compressor.ape", {4, 2 * IC});
    b.bf16(p + ".attn.indexer.compressor.norm.weight", {IC});
  }
  b.bf16(p + ".ffn.gate.weight", {E, D});
  if (layer_id < c.n_hash_layers) {
    b.add(p + ".ffn.gate.tid2eid", DType::kI64, {c.vocab_size, c.n_activated_experts});
  } else {
    b.f32(p + ".ffn.gate.bias", {E});
  }
  b.fp8_linear(p + ".ffn.shared_experts.w1", F, D);
  b.fp8_linear(p + ".ffn.shared_experts.w2", D, F);
  b.fp8_linear(p + ".ffn.shared_experts.w3", F, D);
  for (std::int64_t e = 0; e < E; ++e) {
    const std::string ep = fmt::format("{}.ffn.experts.{}", p, e);
    if (c.experts_fp4) {
      b.fp4_linear(ep + ".w1", F, D);
      b.fp4_linear(ep + ".w2", D, F);
      b.fp4_linear(ep + ".w3", F, D);
    } else {
      b.fp8_linear(ep + ".w1", F, D);
      b.fp8_linear(ep + ".w2", D, F);
      b.fp8_linear(ep + ".w3", F, D);
    }
  }
}

std::string shape_text(const std::vector<std::int64_t>& shape) {
  std::string s = "[";
  for (std::size_t i = 0; i < shape.size(); ++i) s += (i ? ", " : "") + std::to_string(shape[i]);
  return s + "]";
}

}  // namespace

std::string block_prefix(const ModelConfig& config, std::int64_t index) {
  return index < config.n_layers ? fmt::format("layers.{}", index) : fmt::format("mtp.{}", index - config.n_layers);
}

std::vector<ExpectedTensor> expected_tensors(const ModelConfig& c) {
  Builder b;
  const std::int64_t D = c.dim, M = c.hc_mult;
  b.bf16("embed.weight", {c.vocab_size, D});
  b.bf16("head.weight", {c.vocab_size, D});
  b.bf16("norm.weight", {D});
  b.f32("hc_head_fn", {M, M * D});
  b.f32("hc_head_base", {M});
  b.f32("hc_head_scale", {1});
  for (std::int64_t layer = 0; layer < c.n_layers + c.n_mtp_layers; ++layer) {
    const std::string p = block_prefix(c, layer);
    add_block(b, c, p, layer);
    if (layer >= c.n_layers) {  // the MTP block's own projections, norms and head mix
      b.fp8_linear(p + ".e_proj", D, D);
      b.fp8_linear(p + ".h_proj", D, D);
      b.bf16(p + ".enorm.weight", {D});
      b.bf16(p + ".hnorm.weight", {D});
      b.bf16(p + ".norm.weight", {D});
      b.f32(p + ".hc_head_fn", {M, M * D});
      b.f32(p + ".hc_head_base", {M});
      b.f32(p + ".hc_head_scale", {1});
    }
  }
  return std::move(b.out);
}

Status validate_checkpoint(const Checkpoint& checkpoint, const ModelConfig& config) {
  if (config.experts_fp4 && (config.dim % 32 != 0 || config.moe_inter_dim % 32 != 0)) {
    return make_error(ErrorCode::kInvalidArgument,
                      "MXFP4 experts need hidden_size and moe_intermediate_size divisible by 32");
  }
  for (const ExpectedTensor& want : expected_tensors(config)) {
    auto found = checkpoint.get(want.name);
    if (!found.ok()) {
      // The official converter stores wo_a dequantized to BF16, without a scale.
      if (want.name.ends_with(".attn.wo_a.scale")) {
        auto weight = checkpoint.get(want.name.substr(0, want.name.size() - 6) + ".weight");
        if (weight.ok() && weight->dtype == DType::kBF16) continue;
      }
      return make_error(ErrorCode::kCorrupt,
                        fmt::format("{}: tensor '{}' is missing (expected {}{})", checkpoint.dir(), want.name,
                                    dtype_name(want.dtype), shape_text(want.shape)));
    }
    bool dtype_ok = found->dtype == want.dtype;
    if (!dtype_ok && want.name.ends_with(".attn.wo_a.weight") && found->dtype == DType::kBF16) dtype_ok = true;
    if (!dtype_ok || found->shape != want.shape) {
      return make_error(ErrorCode::kCorrupt, fmt::format("tensor '{}' in {}: expected {}{}, found {}{}", want.name,
                                                         found->file, dtype_name(want.dtype), shape_text(want.shape),
                                                         dtype_name(found->dtype), shape_text(found->shape)));
    }
  }
  return ok_status();
}

}  // namespace seek::engine
