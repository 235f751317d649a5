// The CUDA entry points of a CPU-only build (SEEK_CUDA=OFF or no nvcc): each one answers
// kUnsupported, so callers and tests take the same code path in both builds.
#include "engine/device.h"
#include "engine/ops/mhc.h"
#include "engine/ops/quant_linear.h"
#include "engine/ops/rms_norm.h"
#include "engine/ops/rope.h"
#include "engine/ops/sparse_attention.h"

namespace seek::engine {
namespace {
Error not_built(const char* what) {
  return make_error(ErrorCode::kUnsupported, std::string(what) + ": seek was built without CUDA (SEEK_CUDA=OFF or no nvcc)");
}
}  // namespace

bool cuda_built() { return false; }
Result<std::vector<CudaDevice>> cuda_devices() { return not_built("cuda_devices"); }
int64_t cublaslt_version() { return 0; }
Status rms_norm_cuda(const RmsNormParams&, void*) { return not_built("rms_norm_cuda"); }
Status rms_norm_cuda_from_host(const RmsNormParams&) { return not_built("rms_norm_cuda_from_host"); }
Status mhc_pre_cuda_from_host(const MhcPreParams&) { return not_built("mhc_pre_cuda_from_host"); }
Status mhc_post_cuda_from_host(const MhcPostParams&) { return not_built("mhc_post_cuda_from_host"); }
Status sparse_attention_cuda_from_host(const SparseAttentionParams&) { return not_built("sparse_attention_cuda_from_host"); }
Status rope_cuda_from_host(const RopeParams&) { return not_built("rope_cuda_from_host"); }
Status quant_linear_cuda(const QuantLinearParams&, void*) { return not_built("quant_linear_cuda"); }
Status quant_linear_cuda_from_host(const QuantLinearParams&) { return not_built("quant_linear_cuda_from_host"); }

}  // namespace seek::engine
