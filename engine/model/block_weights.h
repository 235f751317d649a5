// Every tensor a block's forward pass reads, looked up once at load: the forward pass then
// touches no names, maps or strings, and a decode step allocates nothing. Pointers go into
// the mapped checkpoint, or into ModelWeights' small converted copies (norm gains in FP32,
// wo_a in BF16), which live as long as the model.
#pragma once

#include <cstdint>
#include <vector>

#include "base/result.h"
#include "engine/checkpoint/weights.h"

namespace seek::engine {

struct CompressorWeights {
  const std::uint16_t* wkv = nullptr;    ///< BF16 [coff*head_dim, D]
  const std::uint16_t* wgate = nullptr;  ///< BF16 [coff*head_dim, D]
  const float* ape = nullptr;            ///< [ratio, coff*head_dim]
  const float* norm = nullptr;           ///< [head_dim]
};

struct AttentionWeights {
  QuantLinearWeight wq_a, wq_b, wkv, wo_b;
  const float* q_norm = nullptr;   ///< [q_lora_rank]
  const float* kv_norm = nullptr;  ///< [head_dim]
  const float* sink = nullptr;     ///< [heads]
  const std::uint16_t* wo_a = nullptr;  ///< BF16 [o_groups * o_lora_rank, heads * head_dim / o_groups]
  std::vector<float> rope_freqs;   ///< this layer's table (YaRN with compress_rope_theta when compressed)
  CompressorWeights compressor;    ///< ratio != 0
  QuantLinearWeight index_wq_b;    ///< ratio 4: the indexer
  const std::uint16_t* index_weights_proj = nullptr;  ///< BF16 [index_heads, D]
  CompressorWeights index_compressor;
};

struct ExpertWeights {
  QuantLinearWeight w1, w2, w3;
};

struct MoeWeights {
  const float* gate = nullptr;          ///< [experts, D] widened to FP32
  const float* bias = nullptr;          ///< [experts], score-routed layers
  const std::int64_t* tid2eid = nullptr;  ///< [vocab, topk], hash-routed layers
  std::vector<ExpertWeights> experts;
  ExpertWeights shared;
};

struct BlockWeights {
  // mHC mixes and the sublayer norms, [0] around attention, [1] around the MoE.
  const float* hc_fn[2] = {};
  const float* hc_scale[2] = {};
  const float* hc_base[2] = {};
  const float* norm[2] = {};
  AttentionWeights attn;
  MoeWeights ffn;
  // MTP blocks only.
  QuantLinearWeight e_proj, h_proj;
  const float* enorm = nullptr;
  const float* hnorm = nullptr;
  const float* hc_head_fn = nullptr;
  const float* hc_head_scale = nullptr;
  const float* hc_head_base = nullptr;
  const float* final_norm = nullptr;
};

/// Resolves block `layer` (main layer, or MTP block n_layers + m) of a loaded checkpoint.
BlockWeights resolve_block_weights(ModelWeights& w, std::int64_t layer);

}  // namespace seek::engine
