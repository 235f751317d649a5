// `seek devices` (see commands.h).
#include "daemon/cli/commands.h"

#include <cstdio>

#include <nlohmann/json.hpp>

#include "engine/device.h"
#include "engine/ops/rms_norm.h"

namespace seek::daemon {

int run_devices() {
  nlohmann::json out = {
      {"cuda_built", engine::cuda_built()},
      {"cublaslt_version", engine::cublaslt_version()},
      {"cpu_isa", engine::rms_norm_cpu_isa()},
      {"default", engine::default_compute_path()},
  };
  auto devices = engine::cuda_devices();
  out["cuda_devices"] = nlohmann::json::array();
  if (devices.ok()) {
    for (const auto& d : *devices) {
      out["cuda_devices"].push_back({{"index", d.index},
                                     {"name", d.name},
                                     {"compute_capability", std::to_string(d.compute_major) + "." + std::to_string(d.compute_minor)},
                                     {"total_memory_bytes", d.total_memory_bytes},
                                     {"multiprocessors", d.multiprocessors}});
    }
  } else {
    out["cuda_error"] = devices.error().message;
  }
  std::printf("%s\n", out.dump().c_str());
  return 0;
}

}  // namespace seek::daemon
