// A small persistent thread pool for the CPU kernels: parallel_for splits [0, n) into one
// contiguous range per worker (the caller works too), so a decode step costs one wake-up
// rather than thread creation. Calls from inside a worker run inline (no nesting deadlock).
#pragma once

#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <thread>
#include <vector>

#include "base/function_ref.h"

namespace seek::engine {

class ThreadPool {
 public:
  explicit ThreadPool(int threads);
  ~ThreadPool();
  ThreadPool(const ThreadPool&) = delete;
  ThreadPool& operator=(const ThreadPool&) = delete;

  /// Runs fn(begin, end) over a partition of [0, n) and waits for all of it.
  void parallel_for(std::int64_t n, FunctionRef<void(std::int64_t, std::int64_t)> fn);
  int size() const { return static_cast<int>(workers_.size()) + 1; }

  /// The process-wide pool: SEEK_THREADS, else the number of online CPUs.
  static ThreadPool& global();

 private:
  void worker_loop(int index);

  std::vector<std::thread> workers_;
  std::mutex mutex_;
  std::condition_variable wake_, done_;
  const FunctionRef<void(std::int64_t, std::int64_t)>* task_ = nullptr;
  std::int64_t n_ = 0;
  std::uint64_t generation_ = 0;
  int pending_ = 0;
  bool stop_ = false;
  std::mutex run_mutex_;  // one parallel_for at a time
};

}  // namespace seek::engine
