// The persistent KV store: prefix states of the model (ModelState at 128-token boundaries)
// on disk, so a daemon restart, a new `seek run` or a reopened project starts from the
// deepest prefix it has already computed instead of from token 0.
//
// One file per state: <dir>/<fingerprint>-<prefix hash>-<tokens>.kv. The prefix hash covers
// the token ids, the fingerprint the checkpoint (config, index and each shard's size, mtime
// and inode: a rewritten checkpoint never meets old states). A file holds a magic, the token
// ids themselves (compared on load, so a hash collision cannot serve a wrong state), the
// state, and an XXH64 of all of it; it is written to a temporary name, fsynced and renamed,
// so a crash leaves either the whole file or none. A file that fails any check is deleted
// and ignored. Writes happen on a thread of their own; the directory is kept under a byte
// budget by deleting the least recently used files.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <filesystem>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <thread>
#include <vector>

#include "base/result.h"
#include "engine/kv/kv_state.h"
#include "engine/kv/kv_store_settings.h"

namespace seek::engine {

/// The checkpoint's identity for the store (see above).
Result<std::uint64_t> checkpoint_fingerprint(const std::filesystem::path& model_dir);

/// A state as bytes, and back. `shape` is a fresh state of the same model: every size in
/// the bytes must match it, so a file of another model or a damaged one is refused.
std::string serialize_state(std::span<const std::int32_t> tokens, const ModelState& state, std::uint64_t fingerprint);
Result<ModelState> deserialize_state(std::string_view bytes, std::span<const std::int32_t> tokens, const ModelState& shape,
                                     std::uint64_t fingerprint);

class KvStore {
 public:
  KvStore(std::filesystem::path dir, std::uint64_t fingerprint, std::uint64_t max_bytes);
  ~KvStore();  // finishes queued writes

  /// The deepest stored state of a prefix of `ids` at a 128-token boundary b with
  /// `min_position` < b < ids.size() (a state must leave a token to run).
  std::optional<ModelState> find(std::span<const std::int32_t> ids, std::int64_t min_position, const ModelState& shape);
  /// Queues `state` (of the prefix ids[0, state.position)) for writing, unless stored.
  void save(std::span<const std::int32_t> ids, const ModelState& state);
  /// Waits until the queued writes are on disk (tests, shutdown).
  void flush();
  const std::filesystem::path& dir() const { return dir_; }

 private:
  std::filesystem::path path_for(std::span<const std::int32_t> prefix) const;
  void write_loop();
  void evict();

  std::filesystem::path dir_;
  std::uint64_t fingerprint_;
  std::uint64_t max_bytes_;
  std::mutex mutex_;
  std::condition_variable changed_;
  struct Job {
    std::vector<std::int32_t> prefix;
    ModelState state;
  };
  std::deque<Job> jobs_;
  bool writing_ = false;
  bool stopping_ = false;
  std::thread writer_;
};

}  // namespace seek::engine
