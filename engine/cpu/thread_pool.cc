// The CPU thread pool (see thread_pool.h).
#include "engine/cpu/thread_pool.h"

#include <cstdlib>

namespace seek::engine {
namespace {
thread_local bool in_worker = false;
}

ThreadPool::ThreadPool(int threads) {
  for (int i = 1; i < threads; ++i) workers_.emplace_back([this, i] { worker_loop(i); });
}

ThreadPool::~ThreadPool() {
  {
    std::lock_guard lock(mutex_);
    stop_ = true;
  }
  wake_.notify_all();
  for (auto& t : workers_) t.join();
}

void ThreadPool::worker_loop(int index) {
  in_worker = true;
  std::uint64_t seen = 0;
  while (true) {
    std::unique_lock lock(mutex_);
    wake_.wait(lock, [&] { return stop_ || generation_ != seen; });
    if (stop_) return;
    seen = generation_;
    const auto* task = task_;
    const std::int64_t n = n_;
    lock.unlock();
    const std::int64_t parts = size();
    const std::int64_t begin = n * index / parts, end = n * (index + 1) / parts;
    if (begin < end) (*task)(begin, end);
    lock.lock();
    if (--pending_ == 0) done_.notify_one();
  }
}

void ThreadPool::parallel_for(std::int64_t n, FunctionRef<void(std::int64_t, std::int64_t)> fn) {
  if (n <= 0) return;
  if (workers_.empty() || in_worker || n == 1) {
    fn(0, n);
    return;
  }
  std::lock_guard run(run_mutex_);
  {
    std::lock_guard lock(mutex_);
    task_ = &fn;
    n_ = n;
    pending_ = static_cast<int>(workers_.size());
    ++generation_;
  }
  wake_.notify_all();
  const std::int64_t end = n / size();
  if (end > 0) fn(0, end);  // the caller's share
  std::unique_lock lock(mutex_);
  done_.wait(lock, [&] { return pending_ == 0; });
  task_ = nullptr;
}

ThreadPool& ThreadPool::global() {
  static ThreadPool pool([] {
    if (const char* env = std::getenv("SEEK_THREADS"); env && std::atoi(env) > 0) return std::atoi(env);
    const unsigned n = std::thread::hardware_concurrency();
    return n == 0 ? 1 : static_cast<int>(n);
  }());
  return pool;
}

}  // namespace seek::engine
