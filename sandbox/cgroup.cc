// Per-command cgroups (see cgroup.h).
#include "sandbox/cgroup.h"

#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

namespace seek::sandbox {
namespace {

namespace fs = std::filesystem;

Status write_file(const fs::path& path, const std::string& value) {
  std::ofstream file(path);
  file << value;
  file.flush();
  if (!file) return make_error(ErrorCode::kIo, "cannot write '" + value + "' to " + path.string());
  return ok_status();
}

fs::path unique_child(const fs::path& base) {
  static std::atomic<unsigned> counter{0};
  return base / ("seek-exec-" + std::to_string(getpid()) + "-" + std::to_string(counter++));
}

std::vector<pid_t> members(const fs::path& dir) {
  std::vector<pid_t> pids;
  std::ifstream procs(dir / "cgroup.procs");
  pid_t pid;
  while (procs >> pid) pids.push_back(pid);
  return pids;
}

}  // namespace

Result<CommandCgroup> CommandCgroup::create(const SandboxSupport& support, std::uint32_t max_processes,
                                            std::uint64_t max_memory_bytes) {
  CommandCgroup cgroup;
  if (support.pids_cgroup.empty()) {
    return make_error(ErrorCode::kUnavailable, "no writable cgroup with the pids controller (needed to limit processes)");
  }
  std::error_code ec;
  cgroup.pids_dir_ = unique_child(support.pids_cgroup);
  cgroup.pids_v2_ = support.pids_cgroup_v2;
  if (!fs::create_directory(cgroup.pids_dir_, ec)) {
    return make_error(ErrorCode::kUnavailable, "cannot create cgroup " + cgroup.pids_dir_.string() + ": " + ec.message());
  }
  SEEK_RETURN_IF_ERROR(write_file(cgroup.pids_dir_ / "pids.max", std::to_string(max_processes)));
  if (max_memory_bytes > 0) {
    if (support.memory_cgroup.empty()) {
      return make_error(ErrorCode::kUnavailable, "no writable cgroup with the memory controller (needed for the memory limit)");
    }
    if (support.memory_cgroup == support.pids_cgroup) {
      cgroup.memory_dir_ = cgroup.pids_dir_;
    } else {
      cgroup.memory_dir_ = unique_child(support.memory_cgroup);
      if (!fs::create_directory(cgroup.memory_dir_, ec)) {
        return make_error(ErrorCode::kUnavailable, "cannot create cgroup " + cgroup.memory_dir_.string());
      }
    }
    const fs::path limit = cgroup.memory_dir_ / (support.memory_cgroup_v2 ? "memory.max" : "memory.limit_in_bytes");
    SEEK_RETURN_IF_ERROR(write_file(limit, std::to_string(max_memory_bytes)));
    if (support.memory_cgroup_v2) (void)write_file(cgroup.memory_dir_ / "memory.swap.max", "0");
  }
  return cgroup;
}

CommandCgroup::CommandCgroup(CommandCgroup&& other) noexcept
    : pids_dir_(std::move(other.pids_dir_)), memory_dir_(std::move(other.memory_dir_)), pids_v2_(other.pids_v2_) {
  other.pids_dir_.clear();
  other.memory_dir_.clear();
}

CommandCgroup::~CommandCgroup() {
  if (pids_dir_.empty()) return;
  kill_all();
  std::error_code ec;
  if (!memory_dir_.empty() && memory_dir_ != pids_dir_) fs::remove(memory_dir_, ec);
  fs::remove(pids_dir_, ec);
}

Status CommandCgroup::add(pid_t pid) const {
  const std::string value = std::to_string(pid == 0 ? getpid() : pid);
  SEEK_RETURN_IF_ERROR(write_file(pids_dir_ / "cgroup.procs", value));
  if (!memory_dir_.empty() && memory_dir_ != pids_dir_) SEEK_RETURN_IF_ERROR(write_file(memory_dir_ / "cgroup.procs", value));
  return ok_status();
}

void CommandCgroup::kill_all() const {
  if (pids_dir_.empty()) return;
  if (pids_v2_) (void)write_file(pids_dir_ / "cgroup.kill", "1");  // atomic, forks in flight included
  // Otherwise kill what is listed until a pass finds nothing new: a fork bomb at pids.max
  // cannot outgrow this, and killed processes that are not yet reaped (zombies stay listed
  // until their parent waits) are not waited for.
  std::vector<pid_t> killed;
  for (int round = 0; round < 1000; ++round) {
    bool found_new = false;
    for (pid_t pid : members(pids_dir_)) {
      if (std::find(killed.begin(), killed.end(), pid) != killed.end()) continue;
      ::kill(pid, SIGKILL);
      killed.push_back(pid);
      found_new = true;
    }
    if (!found_new) return;
    std::this_thread::sleep_for(std::chrono::microseconds(500));
  }
}

bool CommandCgroup::hit_process_limit() const {
  std::ifstream events(pids_dir_ / "pids.events");
  std::string key;
  long long value = 0;
  while (events >> key >> value) {
    if (key == "max") return value > 0;
  }
  return false;
}

}  // namespace seek::sandbox
