// The run-time loader behind cublaslt_api.h.
#include "engine/cuda/cublaslt_api.h"

#include <dlfcn.h>

#include <fmt/format.h>

namespace seek::engine::cuda {
namespace {

template <class Fn>
bool resolve(void* lib, const char* name, Fn& out, std::string& missing) {
  out = reinterpret_cast<Fn>(::dlsym(lib, name));
  if (!out) missing += (missing.empty() ? "" : ", ") + std::string(name);
  return out != nullptr;
}

Result<const CublasLtApi*> load() {
  // Same major version as the headers we compiled against: the ABI is stable within it.
  const std::string soname = fmt::format("libcublasLt.so.{}", CUBLAS_VER_MAJOR);
  std::string tried;
  for (const std::string& candidate : {soname, std::string(SEEK_CUDA_LIBRARY_DIR) + "/" + soname}) {
    void* lib = ::dlopen(candidate.c_str(), RTLD_NOW | RTLD_LOCAL);
    if (lib) {
      static CublasLtApi api;
      api.library_path = candidate;
      std::string missing;
      resolve(lib, "cublasLtGetVersion", api.get_version, missing);
      resolve(lib, "cublasLtCreate", api.create, missing);
      resolve(lib, "cublasLtDestroy", api.destroy, missing);
      if (!missing.empty()) {
        return make_error(ErrorCode::kUnavailable, fmt::format("{} lacks {}", candidate, missing));
      }
      return &api;
    }
    const char* why = ::dlerror();
    tried += fmt::format("\n  {}: {}", candidate, why ? why : "unknown error");
  }
  return make_error(ErrorCode::kUnavailable, "cannot load cuBLASLt:" + tried);
}

}  // namespace

Result<const CublasLtApi*> cublaslt() {
  static const Result<const CublasLtApi*> api = load();
  return api;
}

}  // namespace seek::engine::cuda
