// The persistent KV store (see kv_store.h).
#include "engine/kv/kv_store.h"

#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <fstream>
#include <sstream>

#include <xxhash.h>

#include "base/fs.h"

namespace seek::engine {
namespace fs = std::filesystem;
namespace {

constexpr char kMagic[8] = {'S', 'E', 'E', 'K', 'K', 'V', '0', '1'};
// Bump whenever the forward pass computes any state value differently (kernels, rounding,
// compressor, quantisation): states from older arithmetic must not meet newer code.
constexpr std::uint64_t kNumericsVersion = 1;
constexpr std::int64_t kBoundary = PagedRows::kPageTokens;

class Writer {
 public:
  template <class T>
  void put(T value) {
    out.append(reinterpret_cast<const char*>(&value), sizeof value);
  }
  void floats(const float* data, std::size_t n) {
    put<std::uint64_t>(n);
    out.append(reinterpret_cast<const char*>(data), n * sizeof(float));
  }
  std::string out;
};

class Reader {
 public:
  explicit Reader(std::string_view bytes) : in_(bytes) {}
  template <class T>
  bool get(T& value) {
    if (in_.size() - at_ < sizeof value) return false;
    std::memcpy(&value, in_.data() + at_, sizeof value);
    at_ += sizeof value;
    return true;
  }
  // `expected` floats (a size the model fixes), or any count up to `limit` when expected < 0.
  bool floats(std::vector<float>& v, std::int64_t expected) {
    std::uint64_t n = 0;
    if (!get(n) || (expected >= 0 && n != static_cast<std::uint64_t>(expected))) return false;
    if ((in_.size() - at_) / sizeof(float) < n) return false;
    v.resize(n);
    std::memcpy(v.data(), in_.data() + at_, n * sizeof(float));
    at_ += n * sizeof(float);
    return true;
  }
  bool done() const { return at_ == in_.size(); }

 private:
  std::string_view in_;
  std::size_t at_ = 0;
};

void put_compressor(Writer& w, const CompressorState& c) {
  w.put(c.ratio);
  w.put(c.width);
  w.put(c.head_dim);
  w.floats(c.kv.data(), c.kv.size());
  w.floats(c.score.data(), c.score.size());
  std::vector<float> rows(static_cast<std::size_t>(c.entries.count() * c.entries.width()));
  c.entries.gather(rows.data());
  w.put(c.entries.count());
  w.put(c.entries.width());
  w.floats(rows.data(), rows.size());
}

bool get_compressor(Reader& r, CompressorState& c, const CompressorState& shape, std::int64_t position) {
  std::int64_t ratio = 0, width = 0, head_dim = 0, count = 0, entry_width = 0;
  if (!r.get(ratio) || !r.get(width) || !r.get(head_dim)) return false;
  if (ratio != shape.ratio || width != shape.width || head_dim != shape.head_dim) return false;
  c = shape;
  if (!r.floats(c.kv, static_cast<std::int64_t>(shape.kv.size())) || !r.floats(c.score, static_cast<std::int64_t>(shape.score.size()))) {
    return false;
  }
  std::vector<float> rows;
  if (!r.get(count) || !r.get(entry_width) || entry_width != shape.entries.width() || count < 0) return false;
  // Exactly the entries `position` tokens finish: the indexer reads every one of them.
  if (ratio <= 0 ? count != 0 : count != position / ratio) return false;
  if (!r.floats(rows, count * entry_width)) return false;
  if (count > 0) c.entries.append(rows.data(), count);
  return true;
}

std::uint64_t file_stamp(const fs::path& p) {
  struct stat st{};
  if (::stat(p.c_str(), &st) != 0) return 0;
  const std::uint64_t parts[4] = {static_cast<std::uint64_t>(st.st_size), static_cast<std::uint64_t>(st.st_mtim.tv_sec),
                                  static_cast<std::uint64_t>(st.st_mtim.tv_nsec), static_cast<std::uint64_t>(st.st_ino)};
  return XXH64(parts, sizeof parts, 0);
}

}  // namespace

Result<std::uint64_t> checkpoint_fingerprint(const fs::path& model_dir) {
  XXH64_state_t* h = XXH64_createState();
  XXH64_reset(h, 0x5EEC ^ (kNumericsVersion << 32));
  std::vector<fs::path> files;
  std::error_code ec;
  fs::directory_iterator it(model_dir, ec), end;
  for (; !ec && it != end; it.increment(ec)) {
    const std::string name = it->path().filename().string();
    if (name == "config.json" || name.ends_with(".safetensors") || name.ends_with(".index.json")) files.push_back(it->path());
  }
  if (ec || files.empty()) {
    XXH64_freeState(h);
    return make_error(ErrorCode::kNotFound, fmt::format("no checkpoint files in {}", model_dir.string()));
  }
  std::sort(files.begin(), files.end());
  for (const fs::path& f : files) {
    const std::string name = f.filename().string();
    const std::uint64_t stamp = file_stamp(f);
    XXH64_update(h, name.data(), name.size());
    XXH64_update(h, &stamp, sizeof stamp);
  }
  const std::uint64_t digest = XXH64_digest(h);
  XXH64_freeState(h);
  return digest;
}

std::string serialize_state(std::span<const std::int32_t> tokens, const ModelState& state, std::uint64_t fingerprint) {
  Writer w;
  w.out.append(kMagic, sizeof kMagic);
  w.put<std::uint64_t>(fingerprint);
  w.put<std::uint64_t>(tokens.size());
  w.out.append(reinterpret_cast<const char*>(tokens.data()), tokens.size() * sizeof(std::int32_t));
  w.put(state.position);
  w.put<std::uint64_t>(state.layers.size());
  for (const AttentionState& layer : state.layers) {
    w.floats(layer.window.data(), layer.window.size());
    put_compressor(w, layer.main);
    put_compressor(w, layer.index);
  }
  w.put<std::uint64_t>(XXH64(w.out.data(), w.out.size(), 0));
  return std::move(w.out);
}

Result<ModelState> deserialize_state(std::string_view bytes, std::span<const std::int32_t> tokens, const ModelState& shape,
                                     std::uint64_t fingerprint) {
  const auto corrupt = [](const char* what) { return make_error(ErrorCode::kCorrupt, std::string("kv state: ") + what); };
  if (bytes.size() < sizeof kMagic + 8 || std::memcmp(bytes.data(), kMagic, sizeof kMagic) != 0) return corrupt("not a state file");
  std::uint64_t stored_sum = 0;
  std::memcpy(&stored_sum, bytes.data() + bytes.size() - 8, 8);
  const std::string_view body = bytes.substr(0, bytes.size() - 8);
  if (XXH64(body.data(), body.size(), 0) != stored_sum) return corrupt("checksum mismatch");
  Reader r(body.substr(sizeof kMagic));
  std::uint64_t fp = 0, n = 0, n_layers = 0;
  if (!r.get(fp) || fp != fingerprint) return corrupt("another checkpoint's state");
  if (!r.get(n) || n != tokens.size()) return corrupt("another prefix's state");
  for (std::int32_t t : tokens) {
    std::int32_t stored = 0;
    if (!r.get(stored) || stored != t) return corrupt("another prefix's state");
  }
  ModelState state;
  if (!r.get(state.position) || state.position != static_cast<std::int64_t>(n)) return corrupt("bad position");
  if (!r.get(n_layers) || n_layers != shape.layers.size()) return corrupt("another model's layer count");
  state.layers.resize(n_layers);
  for (std::size_t i = 0; i < n_layers; ++i) {
    AttentionState& layer = state.layers[i];
    const AttentionState& like = shape.layers[i];
    if (!r.floats(layer.window, static_cast<std::int64_t>(like.window.size()))) return corrupt("bad window ring");
    if (!get_compressor(r, layer.main, like.main, state.position) || !get_compressor(r, layer.index, like.index, state.position)) {
      return corrupt("bad compressor state");
    }
  }
  if (!r.done()) return corrupt("trailing bytes");
  return state;
}

KvStore::KvStore(fs::path dir, std::uint64_t fingerprint, std::uint64_t max_bytes)
    : dir_(std::move(dir)), fingerprint_(fingerprint), max_bytes_(max_bytes) {
  std::error_code ec;
  fs::create_directories(dir_, ec);
  ::chmod(dir_.c_str(), 0700);  // states hold what the user's code looks like to the model
  writer_ = std::thread([this] { write_loop(); });
}

KvStore::~KvStore() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  changed_.notify_all();
  writer_.join();
}

fs::path KvStore::path_for(std::span<const std::int32_t> prefix) const {
  const std::uint64_t h = XXH64(prefix.data(), prefix.size() * sizeof(std::int32_t), fingerprint_);
  return dir_ / fmt::format("{:016x}-{:016x}-{}.kv", fingerprint_, h, prefix.size());
}

std::optional<ModelState> KvStore::find(std::span<const std::int32_t> ids, std::int64_t min_position, const ModelState& shape) {
  const auto n = static_cast<std::int64_t>(ids.size());
  for (std::int64_t b = (n - 1) / kBoundary * kBoundary; b > min_position && b > 0; b -= kBoundary) {
    const auto prefix = ids.subspan(0, static_cast<std::size_t>(b));
    const fs::path path = path_for(prefix);
    std::error_code ec;
    const auto size = fs::file_size(path, ec);
    if (ec) continue;
    std::ifstream in(path, std::ios::binary);
    if (!in) continue;
    std::string bytes(size, '\0');
    if (!in.read(bytes.data(), static_cast<std::streamsize>(size))) bytes.clear();
    auto state = deserialize_state(bytes, prefix, shape, fingerprint_);
    if (!state.ok()) {
      fs::remove(path, ec);  // damaged or foreign: never again
      continue;
    }
    fs::last_write_time(path, fs::file_time_type::clock::now(), ec);  // recently used
    return std::move(*state);
  }
  return std::nullopt;
}

void KvStore::save(std::span<const std::int32_t> ids, const ModelState& state) {
  const auto prefix = ids.subspan(0, static_cast<std::size_t>(state.position));
  std::error_code ec;
  if (const fs::path path = path_for(prefix); fs::exists(path, ec)) {
    fs::last_write_time(path, fs::file_time_type::clock::now(), ec);  // still in use: keep it
    return;
  }
  std::lock_guard lock(mutex_);
  if (jobs_.size() >= 2) return;  // the disk is behind: this prefix can wait for another turn
  jobs_.push_back({std::vector<std::int32_t>(prefix.begin(), prefix.end()), state});
  changed_.notify_all();
}

void KvStore::flush() {
  std::unique_lock lock(mutex_);
  changed_.wait(lock, [&] { return jobs_.empty() && !writing_; });
}

void KvStore::write_loop() {
  while (true) {
    Job job;
    {
      std::unique_lock lock(mutex_);
      changed_.wait(lock, [&] { return stopping_ || !jobs_.empty(); });
      if (jobs_.empty()) return;  // stopping, nothing left
      job = std::move(jobs_.front());
      jobs_.pop_front();
      writing_ = true;
    }
    const std::string bytes = serialize_state(job.prefix, job.state, fingerprint_);
    if (bytes.size() > max_bytes_ / 2) {  // it would push everything else out, every turn
      std::lock_guard lock(mutex_);
      writing_ = false;
      changed_.notify_all();
      continue;
    }
    const fs::path path = path_for(job.prefix);
    // A failed write leaves no file: the store treats any doubt as a miss.
    if (auto file = AtomicFile::create(path, 0600); file.ok() && file->write(bytes).ok()) (void)file->commit();
    evict();
    {
      std::lock_guard lock(mutex_);
      writing_ = false;
    }
    changed_.notify_all();
  }
}

void KvStore::evict() {
  struct Entry {
    fs::path path;
    fs::file_time_type when;
    std::uintmax_t size;
  };
  std::vector<Entry> entries;
  std::uintmax_t total = 0;
  std::error_code ec;
  const auto now = fs::file_time_type::clock::now();
  fs::directory_iterator it(dir_, ec), end;
  for (; !ec && it != end; it.increment(ec)) {  // error_code increments: nothing here throws
    const fs::path& p = it->path();
    const std::string name = p.filename().string();
    std::error_code e2;
    const auto size = it->file_size(e2);
    const auto when = it->last_write_time(e2);
    if (e2) continue;
    if (is_atomic_temp_name(name)) {  // a writer that died before its rename
      if (now - when > std::chrono::minutes(10)) fs::remove(p, e2);
      continue;
    }
    if (p.extension() != ".kv") continue;
    entries.push_back({p, when, size});
    total += size;
  }
  if (total <= max_bytes_) return;
  std::sort(entries.begin(), entries.end(), [](const Entry& a, const Entry& b) { return a.when < b.when; });
  for (const Entry& e : entries) {
    if (total <= max_bytes_) break;
    fs::remove(e.path, ec);
    total -= e.size;
  }
}

}  // namespace seek::engine
