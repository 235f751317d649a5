// The core attention of DeepSeek V4 (kernel.py sparse_attn): every query token attends to a
// list of KV rows picked by index (the sliding window plus the selected compressed entries;
// -1 means "no entry"). Single shared KV head (MQA; K = V = the row), per-head learned sink
// in the softmax denominator. As the official kernel does it: indices in blocks of 64,
// scores q.k x scale in FP32, an online softmax with a running max, the probabilities of
// each block rounded to BF16 (relative to the running max at that block) before they
// multiply V, the sink added as exp(sink - max) to the denominator at the end, and the
// output rounded to BF16.
#pragma once

#include <cstdint>

#include "base/result.h"

namespace seek::engine {

struct SparseAttentionParams {
  const float* q = nullptr;             ///< [tokens, heads, dim] (BF16 values)
  const float* kv = nullptr;            ///< [rows, dim] (BF16 values)
  const float* sink = nullptr;          ///< [heads]
  const std::int32_t* indices = nullptr;  ///< [tokens, topk]; -1 = none
  float* out = nullptr;                 ///< [tokens, heads, dim]
  std::int64_t tokens = 0, heads = 0, dim = 0, rows = 0, topk = 0;
  float scale = 1.0f;
};

Status validate(const SparseAttentionParams& p);  ///< also checks every index is in [-1, rows)
void sparse_attention_reference(const SparseAttentionParams& p);
void sparse_attention_cpu(const SparseAttentionParams& p);
Status sparse_attention_cuda_from_host(const SparseAttentionParams& p);

}  // namespace seek::engine
