// Name lookups for a block's tensors (see block_weights.h), done once at load.
#include "engine/model/block_weights.h"

#include <fmt/format.h>

#include "engine/checkpoint/inventory.h"
#include "engine/model/layers.h"

namespace seek::engine {
namespace {

CompressorWeights compressor(ModelWeights& w, const std::string& p) {
  return {w.bf16(p + ".wkv.weight"), w.bf16(p + ".wgate.weight"), w.f32(p + ".ape"), w.norm(p + ".norm.weight").data()};
}

ExpertWeights expert(ModelWeights& w, const std::string& p) { return {w.linear(p + ".w1"), w.linear(p + ".w2"), w.linear(p + ".w3")}; }

}  // namespace

BlockWeights resolve_block_weights(ModelWeights& w, std::int64_t layer) {
  const ModelConfig& c = w.config();
  const std::string p = block_prefix(c, layer);
  BlockWeights b;
  const char* sides[2] = {"attn", "ffn"};
  for (int i = 0; i < 2; ++i) {
    b.hc_fn[i] = w.f32(fmt::format("{}.hc_{}_fn", p, sides[i]));
    b.hc_scale[i] = w.f32(fmt::format("{}.hc_{}_scale", p, sides[i]));
    b.hc_base[i] = w.f32(fmt::format("{}.hc_{}_base", p, sides[i]));
    b.norm[i] = w.norm(fmt::format("{}.{}_norm.weight", p, sides[i])).data();
  }
  const std::string a = p + ".attn";
  AttentionWeights& at = b.attn;
  at.wq_a = w.linear(a + ".wq_a");
  at.wq_b = w.linear(a + ".wq_b");
  at.wkv = w.linear(a + ".wkv");
  at.wo_b = w.linear(a + ".wo_b");
  at.q_norm = w.norm(a + ".q_norm.weight").data();
  at.kv_norm = w.norm(a + ".kv_norm.weight").data();
  at.sink = w.f32(a + ".attn_sink");
  at.wo_a = w.wo_a_bf16(a + ".wo_a").data();
  at.rope_freqs = rope_frequencies(layers::rope_config(c, layer));
  const std::int64_t ratio = c.ratio(layer);
  if (ratio != 0) at.compressor = compressor(w, a + ".compressor");
  if (ratio == 4) {
    at.index_wq_b = w.linear(a + ".indexer.wq_b");
    at.index_weights_proj = w.bf16(a + ".indexer.weights_proj.weight");
    at.index_compressor = compressor(w, a + ".indexer.compressor");
  }
  const std::string f = p + ".ffn";
  MoeWeights& m = b.ffn;
  m.gate = w.widened(f + ".gate.weight").data();
  if (layer < c.n_hash_layers) {
    m.tid2eid = w.i64(f + ".gate.tid2eid");
  } else {
    m.bias = w.f32(f + ".gate.bias");
  }
  for (std::int64_t e = 0; e < c.n_routed_experts; ++e) m.experts.push_back(expert(w, fmt::format("{}.experts.{}", f, e)));
  m.shared = expert(w, f + ".shared_experts");
  if (layer >= c.n_layers) {
    b.e_proj = w.linear(p + ".e_proj");
    b.h_proj = w.linear(p + ".h_proj");
    b.enorm = w.norm(p + ".enorm.weight").data();
    b.hnorm = w.norm(p + ".hnorm.weight").data();
    b.hc_head_fn = w.f32(p + ".hc_head_fn");
    b.hc_head_scale = w.f32(p + ".hc_head_scale");
    b.hc_head_base = w.f32(p + ".hc_head_base");
    b.final_norm = w.norm(p + ".norm.weight").data();
  }
  return b;
}

}  // namespace seek::engine
