// defines: scale_cuda (see scale.h)
#include "engine/cuda/context.h"
#include "engine/cuda/op_support.h"
#include "engine/ops/scale.h"
#include "kernels/cuda/elementwise.h"

namespace grain {

Tensor scale_cuda(const Tensor& x, double s) {
  cuda::require_float32("scale", {x});
  Tensor y = Tensor::empty(x.shape(), x.dtype(), x.device());
  kernels::cuda::scale(cuda::f32(x), cuda::f32(y), static_cast<float>(s), x.numel(),
                       cuda::context(x.device()).stream());
  cuda::after_op("scale", x.device().index);
  return y;
}

}  // namespace grain
