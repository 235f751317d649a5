// A decode step allocates nothing on the heap once the sequence is warm: weights are
// resolved at load, scratch memory is reused from the state's workspace, and the thread
// pool takes its task by reference. Counted by replacing the global operator new in this
// test binary; compressed-entry pages (one per 128 tokens) are the only planned growth,
// so the counted steps stay within one page.
#include <gtest/gtest.h>

#include <atomic>
#include <cstdlib>
#include <new>

#include "engine/model/deepseek_v4.h"
#include "engine/checkpoint/presets.h"
#include "engine/checkpoint/random_checkpoint.h"
#include "tests/support/temp_dir.h"

namespace {
std::atomic<long> g_allocations{0};
}  // namespace

void* operator new(std::size_t size) {
  g_allocations.fetch_add(1, std::memory_order_relaxed);
  if (void* p = std::malloc(size == 0 ? 1 : size)) return p;
  throw std::bad_alloc();
}
void* operator new[](std::size_t size) { return operator new(size); }
void operator delete(void* p) noexcept { std::free(p); }
void operator delete[](void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }
void operator delete[](void* p, std::size_t) noexcept { std::free(p); }

namespace seek::engine {
namespace {

TEST(Decode, AllocatesNothingPerTokenOnceWarm) {
  testing::TempDir dir("sk-alloc-");
  auto config = preset_config("tiny");
  ASSERT_TRUE(config.ok());
  ASSERT_TRUE(write_random_checkpoint(*config, (dir / "ck").string(), {.seed = 5}).ok());
  auto model = DeepseekV4::load((dir / "ck").string());
  ASSERT_TRUE(model.ok()) << model.error().message;
  ModelState state = (*model)->new_state();
  std::vector<std::int32_t> prompt(140);
  for (std::size_t i = 0; i < prompt.size(); ++i) prompt[i] = static_cast<std::int32_t>((i * 7919 + 3) % 129280);
  float last = 0;
  const auto sink = [&](const float* rows, std::int64_t) {
    last = rows[0];
    return ok_status();
  };
  ASSERT_TRUE((*model)->forward_rows(prompt, state, {}, sink).ok());
  std::vector<std::int32_t> token{17};
  for (int i = 0; i < 4; ++i) ASSERT_TRUE((*model)->forward_rows(token, state, {}, sink).ok());  // warm-up
  const long before = g_allocations.load();
  for (int i = 0; i < 8; ++i) ASSERT_TRUE((*model)->forward_rows(token, state, {}, sink).ok());
  const long per_step = (g_allocations.load() - before) / 8;
  std::printf("heap allocations per decode step: %ld (last logit %g)\n", per_step, last);
  EXPECT_EQ(per_step, 0);
}

}  // namespace
}  // namespace seek::engine
