// cuBLASLt, resolved at run time. Loading libcublasLt (500+ MB) costs ~100 ms and ~150 MB
// of RSS in every process that links it, including `seek --version` and the editor's LSP
// bridge, so the library is dlopen'ed on first use instead: a CUDA build then also starts on
// a machine where the toolkit's libraries are absent, and reports that cleanly.
// Only the functions seek calls are resolved; add one here when the matmul wrapper needs it.
#pragma once

#include <cublasLt.h>

#include <string>

#include "base/result.h"

namespace seek::engine::cuda {

/// The entry points of cuBLASLt that seek uses (same signatures as in cublasLt.h).
struct CublasLtApi {
  std::string library_path;
  decltype(&::cublasLtGetVersion) get_version = nullptr;
  decltype(&::cublasLtCreate) create = nullptr;
  decltype(&::cublasLtDestroy) destroy = nullptr;
};

/// Loads cuBLASLt once (libcublasLt.so.<major> from the loader path, then from the toolkit
/// this binary was built against). kUnavailable, with the loader's message, when it is missing.
Result<const CublasLtApi*> cublaslt();

}  // namespace seek::engine::cuda
