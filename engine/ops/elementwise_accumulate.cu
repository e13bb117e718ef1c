// defines: add_into_cuda (see elementwise_accumulate.h)
#include "engine/cuda/context.h"
#include "engine/cuda/op_support.h"
#include "engine/ops/elementwise_accumulate.h"
#include "kernels/cuda/elementwise.h"

namespace grain {

void add_into_cuda(const Tensor& dst, const Tensor& src) {
  kernels::cuda::add_into(cuda::f32(dst), cuda::f32(src), dst.numel(), cuda::context(dst.device()).stream());
}

}  // namespace grain
