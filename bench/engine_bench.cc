// Engine throughput on a checkpoint: prefill tokens/s, greedy decode tokens/s, and decode
// against its memory-bandwidth roofline, all in one run. The roofline is the time one
// streaming read of the bytes a decode step must touch would take, at the read bandwidth
// measured here and now over a buffer larger than the caches, with the same threads.
// Run through bench/engine.sh. Prints one JSON object.
//
// Bytes a decode step touches: every main-model tensor once, except the routed experts (on
// average num_experts_per_tok of n_routed_experts per layer), the embedding (one row) and
// the MTP block (not run). KV reads are left out; at these lengths they are under 1 %.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "engine/model/deepseek_v4.h"
#include "engine/cpu/thread_pool.h"

namespace {

using Clock = std::chrono::steady_clock;
double seconds_since(Clock::time_point t) { return std::chrono::duration<double>(Clock::now() - t).count(); }

double decode_bytes_per_token(const seek::engine::DeepseekV4& model) {
  const auto& c = model.config();
  const auto& tensors = model.weights().checkpoint().tensors();
  double bytes = 0;
  for (const auto& [name, view] : tensors) {
    if (name.rfind("mtp.", 0) == 0) continue;
    if (name == "embed.weight") {
      bytes += static_cast<double>(view.bytes) / static_cast<double>(c.vocab_size);
    } else if (name.find(".ffn.experts.") != std::string::npos) {
      bytes += static_cast<double>(view.bytes) * static_cast<double>(c.n_activated_experts) / static_cast<double>(c.n_routed_experts);
    } else {
      bytes += static_cast<double>(view.bytes);
    }
  }
  return bytes;
}

// Best of 5 parallel sums over `gib` GiB: bytes per second.
double read_bandwidth(double gib) {
  const auto n = static_cast<std::int64_t>(gib * (1 << 30) / sizeof(std::uint64_t));
  std::vector<std::uint64_t> buffer(static_cast<std::size_t>(n));
  for (std::int64_t i = 0; i < n; ++i) buffer[static_cast<std::size_t>(i)] = static_cast<std::uint64_t>(i);
  auto& pool = seek::engine::ThreadPool::global();
  double best = 0;
  volatile std::uint64_t sink = 0;
  for (int pass = 0; pass < 5; ++pass) {
    std::vector<std::uint64_t> partial(static_cast<std::size_t>(pool.size()) * 8, 0);
    const auto start = Clock::now();
    const std::int64_t blocks = 1024;
    pool.parallel_for(blocks, [&](std::int64_t begin, std::int64_t end) {
      std::uint64_t s0 = 0, s1 = 0, s2 = 0, s3 = 0;
      for (std::int64_t i = begin * (n / blocks); i < end * (n / blocks); i += 4) {
        s0 += buffer[static_cast<std::size_t>(i)];
        s1 += buffer[static_cast<std::size_t>(i + 1)];
        s2 += buffer[static_cast<std::size_t>(i + 2)];
        s3 += buffer[static_cast<std::size_t>(i + 3)];
      }
      sink = sink + s0 + s1 + s2 + s3;
    });
    best = std::max(best, static_cast<double>(n) * sizeof(std::uint64_t) / seconds_since(start));
  }
  return best;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: seek_engine_bench MODEL_DIR [PROMPT_TOKENS=128] [DECODE_TOKENS=16] [BANDWIDTH_GIB=2]\n");
    return 2;
  }
  const std::int64_t prompt_n = argc > 2 ? std::atoll(argv[2]) : 128, decode_n = argc > 3 ? std::atoll(argv[3]) : 16;
  const double gib = argc > 4 ? std::atof(argv[4]) : 2.0;  // 0 skips the bandwidth run (profiling)
  const auto load_start = Clock::now();
  auto model = seek::engine::DeepseekV4::load(argv[1]);
  if (!model.ok()) {
    std::fprintf(stderr, "%s\n", model.error().message.c_str());
    return 1;
  }
  const double load_s = seconds_since(load_start);
  const auto& c = (*model)->config();
  std::mt19937 rng(7);
  std::vector<std::int32_t> prompt(static_cast<std::size_t>(prompt_n));
  for (auto& t : prompt) t = static_cast<std::int32_t>(rng() % static_cast<std::uint32_t>(c.vocab_size));

  seek::engine::ModelState state = (*model)->new_state();
  const auto prefill_start = Clock::now();
  auto logits = (*model)->forward(prompt, state);
  const double prefill_s = seconds_since(prefill_start);
  if (!logits.ok()) {
    std::fprintf(stderr, "%s\n", logits.error().message.c_str());
    return 1;
  }
  // Greedy decode: each step feeds the arg-max of the previous step's last row.
  std::vector<float> last(logits->end() - c.vocab_size, logits->end());
  const auto decode_start = Clock::now();
  for (std::int64_t i = 0; i < decode_n; ++i) {
    const auto next = static_cast<std::int32_t>(std::max_element(last.begin(), last.end()) - last.begin());
    auto step = (*model)->forward({next}, state);
    if (!step.ok()) {
      std::fprintf(stderr, "%s\n", step.error().message.c_str());
      return 1;
    }
    last = std::move(*step);
  }
  const double decode_s = seconds_since(decode_start);
  const double bytes = decode_bytes_per_token(**model);
  const double bandwidth = gib > 0 ? read_bandwidth(gib) : 1.0;
  const double per_token = decode_s / static_cast<double>(decode_n), roofline = bytes / bandwidth;
  std::printf(
      "{\"model\":\"%s\",\"threads\":%d,\"load_s\":%.3f,\"prompt_tokens\":%lld,\"prefill_s\":%.3f,"
      "\"prefill_tokens_per_s\":%.2f,\"decode_tokens\":%lld,\"decode_s\":%.3f,\"decode_tokens_per_s\":%.2f,"
      "\"decode_bytes_per_token\":%.0f,\"read_bandwidth_gb_s\":%.2f,\"roofline_ms_per_token\":%.3f,"
      "\"decode_ms_per_token\":%.3f,\"decode_over_roofline\":%.2f}\n",
      argv[1], seek::engine::ThreadPool::global().size(), load_s, static_cast<long long>(prompt_n), prefill_s,
      static_cast<double>(prompt_n) / prefill_s, static_cast<long long>(decode_n), decode_s,
      static_cast<double>(decode_n) / decode_s, bytes, bandwidth / 1e9, roofline * 1e3, per_token * 1e3, per_token / roofline);
  return 0;
}
