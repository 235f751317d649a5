// `seek devices`: what compute the engine can use here, as one JSON object.
#pragma once

namespace seek::daemon {

/// Prints {"cuda_built", "cublaslt_version", "cuda_devices", "cuda_error", "cpu_isa", "default"}
/// and returns 0. A CUDA build on a machine without a GPU reports the reason and "cpu".
int print_devices();

}  // namespace seek::daemon
