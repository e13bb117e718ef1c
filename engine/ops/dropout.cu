// defines: dropout_mask_cuda (see dropout.h) — the CPU's mask, bit for bit
#include "engine/cuda/context.h"
#include "engine/cuda/op_support.h"
#include "engine/ops/dropout.h"
#include "kernels/cuda/sequence_kernels.h"

namespace grain {

void dropout_mask_cuda(const Tensor& x, double p, uint64_t seed, uint64_t offset, const Tensor& y) {
  kernels::cuda::dropout(cuda::f32(x), cuda::f32(y), x.numel(), p, seed, offset, cuda::context(x.device()).stream());
}

}  // namespace grain
