// The V4 forward pass (see deepseek_v4.h): embedding -> hc_mult streams -> blocks (mHC
// around attention and MoE) -> hc_head -> final norm -> head, as model.py Transformer does.
#include "engine/model/deepseek_v4.h"

#include <fmt/format.h>

#include <cstdio>
#include <fstream>

#include "engine/model/block_weights.h"
#include "engine/checkpoint/inventory.h"
#include "engine/model/layers.h"
#include "engine/checkpoint/quant.h"
#include "engine/ops/bf16_linear.h"
#include "engine/ops/mhc.h"

namespace seek::engine {
namespace {

Status write_f32(const std::string& path, const float* data, std::int64_t n, bool append) {
  std::ofstream file(path, std::ios::binary | (append ? std::ios::app : std::ios::trunc));
  file.write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(n * sizeof(float)));
  if (!file) return make_error(ErrorCode::kIo, path + ": cannot write");
  return ok_status();
}

}  // namespace

Result<std::unique_ptr<DeepseekV4>> DeepseekV4::load(const std::string& dir) {
  auto model = std::unique_ptr<DeepseekV4>(new DeepseekV4());
  SEEK_ASSIGN_OR_RETURN(model->weights_, ModelWeights::load(dir));
  const ModelConfig& c = model->weights_->config();
  for (std::int64_t layer = 0; layer < c.n_layers + c.n_mtp_layers; ++layer) {
    model->blocks_.push_back(resolve_block_weights(*model->weights_, layer));
  }
  model->embed_ = model->weights_->bf16("embed.weight");
  model->head_ = model->weights_->bf16("head.weight");
  model->hc_head_fn_ = model->weights_->f32("hc_head_fn");
  model->hc_head_scale_ = model->weights_->f32("hc_head_scale");
  model->hc_head_base_ = model->weights_->f32("hc_head_base");
  model->final_norm_ = model->weights_->norm("norm.weight").data();
  return model;
}

ModelState DeepseekV4::new_state() const {
  const ModelConfig& c = weights_->config();
  ModelState state;
  state.layers.resize(static_cast<std::size_t>(c.n_layers + c.n_mtp_layers));
  for (std::int64_t layer = 0; layer < c.n_layers + c.n_mtp_layers; ++layer) {
    layers::init_attention_state(c, layer, state.layers[static_cast<std::size_t>(layer)]);
  }
  return state;
}

Result<std::vector<float>> DeepseekV4::prefill_logits(const std::vector<std::int32_t>& tokens, const std::string& dump_dir) {
  ModelState state = new_state();
  return forward(tokens, state, dump_dir);
}

Status DeepseekV4::check_tokens(const std::vector<std::int32_t>& tokens) const {
  const ModelConfig& c = config();
  if (tokens.empty()) return make_error(ErrorCode::kInvalidArgument, "no tokens");
  for (std::size_t i = 0; i < tokens.size(); ++i) {
    if (tokens[i] < 0 || tokens[i] >= c.vocab_size) {
      return make_error(ErrorCode::kInvalidArgument,
                        fmt::format("token {} at position {} is outside the vocabulary (0..{})", tokens[i], i, c.vocab_size - 1));
    }
  }
  return ok_status();
}

// One block (main layer or MTP block `layer`): mHC around attention and MoE on the
// streams h [S, M, D], in place.
Status DeepseekV4::run_block(std::int64_t layer, float* h, const std::int32_t* tokens, std::int64_t S, std::int64_t start,
                             ModelState& state, const std::string& dump_dir) {
  const ModelConfig& c = config();
  const BlockWeights& b = blocks_[static_cast<std::size_t>(layer)];
  ScratchArena& ws = state.scratch;
  ScratchArena::Scope scope(ws);
  const std::int64_t D = c.dim, M = c.hc_mult;
  const bool append = start > 0;
  float* x = ws.zeros<float>(S * D);
  float* normed = ws.zeros<float>(S * D);
  float* f = ws.zeros<float>(S * D);
  float* post = ws.zeros<float>(S * M);
  float* comb = ws.zeros<float>(S * M * M);
  float* next = ws.zeros<float>(S * M * D);
  const float eps = static_cast<float>(c.norm_eps);
  for (int side = 0; side < 2; ++side) {
    MhcPreParams pre{h, b.hc_fn[side], b.hc_scale[side], b.hc_base[side], x, post, comb, S, M, D,
                     static_cast<int>(c.hc_sinkhorn_iters), eps, static_cast<float>(c.hc_eps)};
    mhc_pre_cpu(pre);
    layers::rms_norm_bf16(x, S, D, b.norm[side], eps, normed);
    if (side == 0) {
      SEEK_RETURN_IF_ERROR(layers::attention_forward(c, b.attn, layer, normed, S, start, state.prompt_length,
                                                     state.layers[static_cast<std::size_t>(layer)], ws, f));
    } else {
      SEEK_RETURN_IF_ERROR(layers::moe_forward(c, b.ffn, normed, tokens, S, ws, f));
    }
    const char* which = side == 0 ? "attn" : "ffn";
    if (!dump_dir.empty()) {  // the sublayer's normed input and output, named as the reference names them
      SEEK_RETURN_IF_ERROR(write_f32(fmt::format("{}/{}_in_layer{}.f32", dump_dir, which, layer), normed, S * D, append));
      SEEK_RETURN_IF_ERROR(write_f32(fmt::format("{}/{}_out_layer{}.f32", dump_dir, which, layer), f, S * D, append));
    }
    mhc_post_cpu({f, h, post, comb, next, S, M, D});
    std::copy_n(next, S * M * D, h);
    if (!dump_dir.empty() && side == 0) {
      SEEK_RETURN_IF_ERROR(write_f32(fmt::format("{}/h_mid_layer{}.f32", dump_dir, layer), h, S * M * D, append));
    }
  }
  if (!dump_dir.empty()) {
    SEEK_RETURN_IF_ERROR(write_f32(fmt::format("{}/h_after_layer{}.f32", dump_dir, layer), h, S * M * D, append));
  }
  return ok_status();
}

// hc_head (with the given mix), the final norm and the shared head, a block of rows at a
// time, so a long prefill never holds [S, vocab] at once.
Status DeepseekV4::run_head(const float* h, std::int64_t S, const float* fn, const float* scale, const float* base,
                            const float* norm, ScratchArena& ws, LogitsSink emit) {
  const ModelConfig& c = config();
  ScratchArena::Scope scope(ws);
  const std::int64_t D = c.dim, M = c.hc_mult;
  const float eps = static_cast<float>(c.norm_eps);
  float* x = ws.zeros<float>(S * D);
  float* normed = ws.zeros<float>(S * D);
  mhc_head_cpu({h, fn, scale, base, x, S, M, D, eps, static_cast<float>(c.hc_eps)});
  layers::rms_norm_bf16(x, S, D, norm, eps, normed);
  constexpr std::int64_t kHeadRows = 16;
  float* block = ws.alloc<float>(std::min(S, kHeadRows) * c.vocab_size);
  for (std::int64_t row = 0; row < S; row += kHeadRows) {
    const std::int64_t n = std::min(kHeadRows, S - row);
    bf16_linear_cpu({normed + row * D, head_, block, n, D, c.vocab_size, 0, 0, false});
    SEEK_RETURN_IF_ERROR(emit(block, n));
  }
  return ok_status();
}

Status DeepseekV4::forward_rows(const std::vector<std::int32_t>& tokens, ModelState& state, const std::string& dump_dir,
                                LogitsSink emit, std::vector<float>* final_streams) {
  const ModelConfig& c = config();
  const auto S = static_cast<std::int64_t>(tokens.size());
  const std::int64_t D = c.dim, M = c.hc_mult;
  SEEK_RETURN_IF_ERROR(check_tokens(tokens));
  if (state.layers.size() != static_cast<std::size_t>(c.n_layers + c.n_mtp_layers)) {
    return make_error(ErrorCode::kInvalidArgument, "the state was not made by this model's new_state()");
  }
  ScratchArena& ws = state.scratch;
  ws.reset();
  ScratchArena::Scope scope(ws);
  // Embedding, copied to every stream.
  float* h = ws.alloc<float>(S * M * D);
  for (std::int64_t t = 0; t < S; ++t) {
    for (std::int64_t m = 0; m < M; ++m) {
      for (std::int64_t d = 0; d < D; ++d) h[(t * M + m) * D + d] = quant::bf16_to_float(embed_[tokens[static_cast<std::size_t>(t)] * D + d]);
    }
  }
  for (std::int64_t layer = 0; layer < c.n_layers; ++layer) {
    SEEK_RETURN_IF_ERROR(run_block(layer, h, tokens.data(), S, state.position, state, dump_dir));
  }
  state.position += S;
  if (final_streams) final_streams->assign(h, h + S * M * D);
  return run_head(h, S, hc_head_fn_, hc_head_scale_, hc_head_base_, final_norm_, ws, emit);
}

Status DeepseekV4::mtp_rows(const std::vector<float>& h_main, const std::vector<std::int32_t>& next_tokens, std::int64_t start,
                            ModelState& state, std::int64_t m, LogitsSink emit) {
  const ModelConfig& c = config();
  const auto S = static_cast<std::int64_t>(next_tokens.size());
  const std::int64_t D = c.dim, M = c.hc_mult;
  SEEK_RETURN_IF_ERROR(check_tokens(next_tokens));
  if (m < 0 || m >= c.n_mtp_layers) {
    return make_error(ErrorCode::kInvalidArgument, fmt::format("MTP block {} does not exist ({} in this model)", m, c.n_mtp_layers));
  }
  if (static_cast<std::int64_t>(h_main.size()) != S * M * D) {
    return make_error(ErrorCode::kInvalidArgument, "MTP: the main streams and the next tokens differ in length");
  }
  if (state.layers.size() != static_cast<std::size_t>(c.n_layers + c.n_mtp_layers)) {
    return make_error(ErrorCode::kInvalidArgument, "the state was not made by this model's new_state()");
  }
  // x = bf16(e_proj(enorm(embed(next))) broadcast over streams + h_proj(hnorm(h)))
  const std::int64_t layer = c.n_layers + m;
  const BlockWeights& b = blocks_[static_cast<std::size_t>(layer)];
  const float eps = static_cast<float>(c.norm_eps);
  ScratchArena& ws = state.scratch;
  ws.reset();
  ScratchArena::Scope scope(ws);
  float* e = ws.alloc<float>(S * D);
  float* en = ws.zeros<float>(S * D);
  float* ep = ws.zeros<float>(S * D);
  float* hn = ws.zeros<float>(S * M * D);
  float* hp = ws.zeros<float>(S * M * D);
  for (std::int64_t t = 0; t < S; ++t) {
    for (std::int64_t d = 0; d < D; ++d) e[t * D + d] = quant::bf16_to_float(embed_[next_tokens[static_cast<std::size_t>(t)] * D + d]);
  }
  layers::rms_norm_bf16(e, S, D, b.enorm, eps, en);
  layers::quant_linear(b.e_proj, en, S, ep);
  layers::rms_norm_bf16(h_main.data(), S * M, D, b.hnorm, eps, hn);
  layers::quant_linear(b.h_proj, hn, S * M, hp);
  float* h = ws.alloc<float>(S * M * D);
  for (std::int64_t t = 0; t < S; ++t) {
    for (std::int64_t s = 0; s < M; ++s) {
      for (std::int64_t d = 0; d < D; ++d) h[(t * M + s) * D + d] = ep[t * D + d] + hp[(t * M + s) * D + d];
    }
  }
  layers::round_bf16(h, S * M * D);
  SEEK_RETURN_IF_ERROR(run_block(layer, h, next_tokens.data(), S, start, state, {}));
  return run_head(h, S, b.hc_head_fn, b.hc_head_scale, b.hc_head_base, b.final_norm, ws, emit);
}

Result<std::vector<float>> DeepseekV4::forward(const std::vector<std::int32_t>& tokens, ModelState& state,
                                               const std::string& dump_dir) {
  std::vector<float> logits;
  logits.reserve(tokens.size() * static_cast<std::size_t>(config().vocab_size));
  SEEK_RETURN_IF_ERROR(forward_rows(tokens, state, dump_dir, [&](const float* rows, std::int64_t n) {
    logits.insert(logits.end(), rows, rows + n * config().vocab_size);
    return ok_status();
  }));
  return logits;
}

}  // namespace seek::engine
