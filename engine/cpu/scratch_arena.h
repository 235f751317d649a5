// Scratch memory for the forward pass: a bump arena with scoped release. Each sublayer takes
// what it needs and gives it back when its scope ends, so the peak is one sublayer's worth;
// when a call outgrew the arena, the next top-level reset folds the blocks into one, so
// steady-state decode allocates nothing.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <memory>
#include <type_traits>
#include <vector>

namespace seek::engine {

class ScratchArena {
 public:
  /// T[n], uninitialized, 64-byte aligned, valid until the enclosing Scope ends.
  template <class T>
  T* alloc(std::int64_t n) {
    static_assert(std::is_trivially_copyable_v<T>);
    return static_cast<T*>(bytes(static_cast<std::size_t>(std::max<std::int64_t>(n, 0)) * sizeof(T)));
  }
  /// T[n] filled with `value`.
  template <class T>
  T* filled(std::int64_t n, T value) {
    T* p = alloc<T>(n);
    std::fill_n(p, std::max<std::int64_t>(n, 0), value);
    return p;
  }
  template <class T>
  T* zeros(std::int64_t n) {
    return filled<T>(n, T{});
  }

  /// Gives back everything taken since its construction.
  class Scope {
   public:
    explicit Scope(ScratchArena& ws) : ws_(ws), block_(ws.block_), used_(ws.used_) {}
    ~Scope() {
      ws_.block_ = block_;
      ws_.used_ = used_;
    }
    Scope(const Scope&) = delete;
    Scope& operator=(const Scope&) = delete;

   private:
    ScratchArena& ws_;
    std::size_t block_, used_;
  };

  /// At the start of a top-level call (no Scope alive): if the last call needed more than
  /// one block, replace them with one block as large as all of them.
  void reset() {
    block_ = 0;
    used_ = 0;
    if (blocks_.size() > 1) {
      std::size_t total = 0;
      for (const Block& b : blocks_) total += b.size;
      blocks_.clear();
      blocks_.push_back(make_block(total));
    }
  }

  std::size_t capacity() const {
    std::size_t total = 0;
    for (const Block& b : blocks_) total += b.size;
    return total;
  }

 private:
  struct Block {
    std::unique_ptr<std::byte[]> data;
    std::size_t size = 0;
  };
  static constexpr std::size_t kAlign = 64;

  static Block make_block(std::size_t size) { return Block{std::make_unique<std::byte[]>(size + kAlign), size}; }
  static std::byte* aligned(const Block& b) {
    auto address = reinterpret_cast<std::uintptr_t>(b.data.get());
    return b.data.get() + ((kAlign - address % kAlign) % kAlign);
  }

  void* bytes(std::size_t n) {
    n = (n + kAlign - 1) / kAlign * kAlign;
    // Move to the next block that fits (blocks after block_ are free); add one if none does.
    while (block_ < blocks_.size() && used_ + n > blocks_[block_].size) {
      ++block_;
      used_ = 0;
    }
    if (block_ == blocks_.size()) {
      const std::size_t last = blocks_.empty() ? 0 : blocks_.back().size;
      blocks_.push_back(make_block(std::max({n, 2 * last, std::size_t{1} << 20})));
      used_ = 0;
    }
    std::byte* p = aligned(blocks_[block_]) + used_;
    used_ += n;
    return p;
  }

  std::vector<Block> blocks_;
  std::size_t block_ = 0, used_ = 0;
};

}  // namespace seek::engine
