// defines: scale_values_cuda (see scale.h)
#include "engine/cuda/context.h"
#include "engine/cuda/op_support.h"
#include "engine/ops/scale.h"
#include "kernels/cuda/elementwise.h"

namespace grain {

void scale_values_cuda(const Tensor& x, double s, const Tensor& y) {
  kernels::cuda::scale(cuda::f32(x), cuda::f32(y), static_cast<float>(s), x.numel(),
                       cuda::context(x.device()).stream());
}

}  // namespace grain
