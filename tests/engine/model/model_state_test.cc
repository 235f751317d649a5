// ModelState snapshots: a copy taken mid-sequence continues exactly as the original would,
// and writing to one never changes the other (compressed pages are shared copy-on-write).
#include <gtest/gtest.h>

#include "engine/model/deepseek_v4.h"
#include "engine/checkpoint/presets.h"
#include "engine/checkpoint/random_checkpoint.h"
#include "tests/support/temp_dir.h"

namespace seek::engine {
namespace {

std::vector<std::int32_t> tokens(int n, int salt) {
  std::vector<std::int32_t> t(static_cast<std::size_t>(n));
  for (int i = 0; i < n; ++i) t[static_cast<std::size_t>(i)] = (i * 7919 + salt * 104729 + 11) % 129280;
  return t;
}

TEST(ModelState, SnapshotsContinueExactlyAndIndependently) {
  testing::TempDir dir("sk-state-");
  auto config = preset_config("tiny");
  ASSERT_TRUE(config.ok());
  ASSERT_TRUE(write_random_checkpoint(*config, (dir / "ck").string(), {.seed = 9}).ok());
  auto model = DeepseekV4::load((dir / "ck").string());
  ASSERT_TRUE(model.ok()) << model.error().message;
  ModelState state = (*model)->new_state();
  // 150 tokens: past the window, 37 ratio-4 entries (a second, partly filled page).
  ASSERT_TRUE((*model)->forward(tokens(150, 1), state).ok());
  const ModelState snapshot = state;
  auto a1 = (*model)->forward(tokens(40, 2), state);  // fills the shared page further
  ASSERT_TRUE(a1.ok());
  ModelState other = snapshot;
  auto b = (*model)->forward(tokens(40, 3), other);  // a different continuation
  ASSERT_TRUE(b.ok());
  ModelState again = snapshot;
  auto a2 = (*model)->forward(tokens(40, 2), again);
  ASSERT_TRUE(a2.ok());
  EXPECT_TRUE(*a1 == *a2) << "a restored snapshot must continue bit for bit";
  EXPECT_FALSE(*a1 == *b);
  EXPECT_EQ(snapshot.position, 150);
  EXPECT_EQ(again.position, 190);
}

}  // namespace
}  // namespace seek::engine
