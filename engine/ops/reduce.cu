// defines: sum_forward_cuda, sum_backward_cuda, amax_forward_cuda,
//          amax_backward_cuda (see reduce.h)
#include "engine/cuda/context.h"
#include "engine/cuda/op_support.h"
#include "engine/ops/reduce.h"
#include "kernels/cuda/elementwise.h"
#include "kernels/cuda/reduce.h"

namespace grain {

void sum_forward_cuda(const Tensor& x, const Shape& keep, double factor, const Tensor& y) {
  cuda::reduce_sum(x, keep, y, static_cast<float>(factor));
}

void sum_backward_cuda(const Tensor& dy, const Shape& keep, double factor, const Tensor& dx) {
  kernels::cuda::broadcast_scaled(cuda::f32(dy), cuda::broadcast_strides(keep, dx.shape()), cuda::f32(dx), dx.numel(),
                                  static_cast<float>(factor), cuda::context(dy.device()).stream());
}

void amax_forward_cuda(const Tensor& x, const Shape& keep, const Tensor& y, const Tensor& argmax) {
  kernels::cuda::reduce_max(cuda::f32(x), cuda::reduce_geometry(x.shape(), keep), cuda::f32(y),
                            static_cast<int64_t*>(argmax.raw_data()), cuda::context(x.device()).stream());
}

void amax_backward_cuda(const Tensor& dy, const Tensor& argmax, const Tensor& dx) {
  dx.zero();
  // Each input element is the maximum of at most one output: no collisions.
  kernels::cuda::scatter_add(cuda::f32(dy), cuda::i64(argmax), dy.numel(), cuda::f32(dx), false,
                             cuda::context(dy.device()).stream());
}

}  // namespace grain
