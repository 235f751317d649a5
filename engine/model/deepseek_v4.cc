// The V4 forward pass (see deepseek_v4.h): embedding -> hc_mult streams -> blocks (mHC
// around attention and MoE) -> hc_head -> final norm -> head, as model.py Transformer does.
#include "engine/model/deepseek_v4.h"

#include <fmt/format.h>

#include <cstdio>
#include <fstream>

#include "engine/model/inventory.h"
#include "engine/model/layers.h"
#include "engine/model/quant.h"
#include "engine/ops/bf16_linear.h"
#include "engine/ops/mhc.h"

namespace seek::engine {
namespace {

Status write_f32(const std::string& path, const std::vector<float>& data, bool append) {
  std::ofstream file(path, std::ios::binary | (append ? std::ios::app : std::ios::trunc));
  file.write(reinterpret_cast<const char*>(data.data()), static_cast<std::streamsize>(data.size() * sizeof(float)));
  if (!file) return make_error(ErrorCode::kIo, path + ": cannot write");
  return ok_status();
}

}  // namespace

Result<std::unique_ptr<DeepseekV4>> DeepseekV4::load(const std::string& dir) {
  auto model = std::unique_ptr<DeepseekV4>(new DeepseekV4());
  SEEK_ASSIGN_OR_RETURN(model->weights_, ModelWeights::load(dir));
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
Status DeepseekV4::run_block(std::int64_t layer, std::vector<float>& h, const std::int32_t* tokens, std::int64_t S,
                             std::int64_t start, ModelState& state, const std::string& dump_dir) {
  ModelWeights& w = *weights_;
  const ModelConfig& c = w.config();
  const std::int64_t D = c.dim, M = c.hc_mult;
  const bool append = start > 0;
  std::vector<float> x(static_cast<std::size_t>(S * D)), normed(x.size()), f(x.size()), post(static_cast<std::size_t>(S * M)),
      comb(static_cast<std::size_t>(S * M * M)), next(h.size());
  const float eps = static_cast<float>(c.norm_eps);
  const std::string p = block_prefix(c, layer);
  for (const char* which : {"attn", "ffn"}) {
    MhcPreParams pre{h.data(), w.f32(fmt::format("{}.hc_{}_fn", p, which)), w.f32(fmt::format("{}.hc_{}_scale", p, which)),
                     w.f32(fmt::format("{}.hc_{}_base", p, which)), x.data(), post.data(), comb.data(), S, M, D,
                     static_cast<int>(c.hc_sinkhorn_iters), eps, static_cast<float>(c.hc_eps)};
    mhc_pre_cpu(pre);
    layers::rms_norm_bf16(x.data(), S, D, w.norm(fmt::format("{}.{}_norm.weight", p, which)).data(), eps, normed.data());
    if (std::string_view(which) == "attn") {
      SEEK_RETURN_IF_ERROR(layers::attention_forward(w, layer, normed.data(), S, start, state.prompt_length,
                                                     state.layers[static_cast<std::size_t>(layer)], f.data()));
    } else {
      SEEK_RETURN_IF_ERROR(layers::moe_forward(w, layer, normed.data(), tokens, S, f.data()));
    }
    if (!dump_dir.empty()) {  // the sublayer's normed input and output, named as the reference names them
      SEEK_RETURN_IF_ERROR(write_f32(fmt::format("{}/{}_in_layer{}.f32", dump_dir, which, layer), normed, append));
      SEEK_RETURN_IF_ERROR(write_f32(fmt::format("{}/{}_out_layer{}.f32", dump_dir, which, layer), f, append));
    }
    mhc_post_cpu({f.data(), h.data(), post.data(), comb.data(), next.data(), S, M, D});
    h.swap(next);
    if (!dump_dir.empty() && std::string_view(which) == "attn") {
      SEEK_RETURN_IF_ERROR(write_f32(fmt::format("{}/h_mid_layer{}.f32", dump_dir, layer), h, append));
    }
  }
  if (!dump_dir.empty()) SEEK_RETURN_IF_ERROR(write_f32(fmt::format("{}/h_after_layer{}.f32", dump_dir, layer), h, append));
  return ok_status();
}

// hc_head (with the given block's mix), the final norm and the shared head, a block of rows
// at a time, so a long prefill never holds [S, vocab] at once.
Status DeepseekV4::run_head(const std::vector<float>& h, std::int64_t S, const std::string& prefix, const LogitsSink& emit) {
  ModelWeights& w = *weights_;
  const ModelConfig& c = w.config();
  const std::int64_t D = c.dim, M = c.hc_mult;
  const float eps = static_cast<float>(c.norm_eps);
  std::vector<float> x(static_cast<std::size_t>(S * D)), normed(x.size());
  MhcHeadParams head{h.data(), w.f32(prefix + "hc_head_fn"), w.f32(prefix + "hc_head_scale"), w.f32(prefix + "hc_head_base"),
                     x.data(), S, M, D, eps, static_cast<float>(c.hc_eps)};
  mhc_head_cpu(head);
  layers::rms_norm_bf16(x.data(), S, D, w.norm(prefix + "norm.weight").data(), eps, normed.data());
  constexpr std::int64_t kHeadRows = 16;
  std::vector<float> block(static_cast<std::size_t>(std::min(S, kHeadRows) * c.vocab_size));
  for (std::int64_t row = 0; row < S; row += kHeadRows) {
    const std::int64_t n = std::min(kHeadRows, S - row);
    bf16_linear_cpu({normed.data() + row * D, w.bf16("head.weight"), block.data(), n, D, c.vocab_size, 0, 0, false});
    SEEK_RETURN_IF_ERROR(emit(block.data(), n));
  }
  return ok_status();
}

Status DeepseekV4::forward_rows(const std::vector<std::int32_t>& tokens, ModelState& state, const std::string& dump_dir,
                                const LogitsSink& emit, std::vector<float>* final_streams) {
  ModelWeights& w = *weights_;
  const ModelConfig& c = w.config();
  const auto S = static_cast<std::int64_t>(tokens.size());
  const std::int64_t D = c.dim, M = c.hc_mult;
  SEEK_RETURN_IF_ERROR(check_tokens(tokens));
  if (state.layers.size() != static_cast<std::size_t>(c.n_layers + c.n_mtp_layers)) {
    return make_error(ErrorCode::kInvalidArgument, "the state was not made by this model's new_state()");
  }
  // Embedding, copied to every stream.
  std::vector<float> h(static_cast<std::size_t>(S * M * D));
  const std::uint16_t* embed = w.bf16("embed.weight");
  for (std::int64_t t = 0; t < S; ++t) {
    for (std::int64_t m = 0; m < M; ++m) {
      for (std::int64_t d = 0; d < D; ++d) {
        h[static_cast<std::size_t>((t * M + m) * D + d)] = quant::bf16_to_float(embed[tokens[static_cast<std::size_t>(t)] * D + d]);
      }
    }
  }
  for (std::int64_t layer = 0; layer < c.n_layers; ++layer) {
    SEEK_RETURN_IF_ERROR(run_block(layer, h, tokens.data(), S, state.position, state, dump_dir));
  }
  state.position += S;
  if (final_streams) *final_streams = h;
  return run_head(h, S, "", emit);
}

Status DeepseekV4::mtp_rows(const std::vector<float>& h_main, const std::vector<std::int32_t>& next_tokens, std::int64_t start,
                            ModelState& state, std::int64_t m, const LogitsSink& emit) {
  ModelWeights& w = *weights_;
  const ModelConfig& c = w.config();
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
  const std::string p = block_prefix(c, layer);
  const float eps = static_cast<float>(c.norm_eps);
  std::vector<float> e(static_cast<std::size_t>(S * D)), en(e.size()), ep(e.size()), hn(h_main.size()), hp(h_main.size());
  const std::uint16_t* embed = w.bf16("embed.weight");
  for (std::int64_t t = 0; t < S; ++t) {
    for (std::int64_t d = 0; d < D; ++d) {
      e[static_cast<std::size_t>(t * D + d)] = quant::bf16_to_float(embed[next_tokens[static_cast<std::size_t>(t)] * D + d]);
    }
  }
  layers::rms_norm_bf16(e.data(), S, D, w.norm(p + ".enorm.weight").data(), eps, en.data());
  layers::quant_linear(w.linear(p + ".e_proj"), en.data(), S, ep.data());
  layers::rms_norm_bf16(h_main.data(), S * M, D, w.norm(p + ".hnorm.weight").data(), eps, hn.data());
  layers::quant_linear(w.linear(p + ".h_proj"), hn.data(), S * M, hp.data());
  std::vector<float> h(h_main.size());
  for (std::int64_t t = 0; t < S; ++t) {
    for (std::int64_t s = 0; s < M; ++s) {
      for (std::int64_t d = 0; d < D; ++d) {
        const std::size_t i = static_cast<std::size_t>((t * M + s) * D + d);
        h[i] = ep[static_cast<std::size_t>(t * D + d)] + hp[i];
      }
    }
  }
  layers::round_bf16(h.data(), S * M * D);
  SEEK_RETURN_IF_ERROR(run_block(layer, h, next_tokens.data(), S, start, state, {}));
  return run_head(h, S, p + ".", emit);
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
