// defines: sum_or_mean_cuda, expand_grad_cuda, amax_cuda (see reduce.h)
#include <algorithm>
#include <memory>

#include "engine/autograd.h"
#include "engine/cuda/context.h"
#include "engine/cuda/op_support.h"
#include "engine/ops/reduce.h"
#include "kernels/cuda/elementwise.h"
#include "kernels/cuda/reduce.h"

namespace grain {

Tensor expand_grad_cuda(const Tensor& dy, const Shape& keep, const Shape& in_shape, double factor) {
  cuda::require_float32("sum/mean backward", {dy});
  Tensor dx = Tensor::empty(in_shape, dy.dtype(), dy.device());
  kernels::cuda::broadcast_scaled(cuda::f32(dy), cuda::broadcast_strides(keep, in_shape), cuda::f32(dx), dx.numel(),
                                  static_cast<float>(factor), cuda::context(dy.device()).stream());
  cuda::after_op("sum/mean backward", dy.device().index);
  return dx;
}

Tensor sum_or_mean_cuda(const char* op, const Tensor& x, const Shape& keep, const Shape& out, bool average) {
  cuda::require_float32(op, {x});
  const int64_t count = x.numel() / std::max<int64_t>(numel(keep), 1);
  const double factor = average ? 1.0 / static_cast<double>(std::max<int64_t>(count, 1)) : 1.0;
  Tensor y = Tensor::empty(out, x.dtype(), x.device());
  cuda::reduce_sum(x, keep, y, static_cast<float>(factor));
  cuda::after_op(op, x.device().index);
  record(op, {x}, y, [keep, in_shape = x.shape(), factor](const Tensor& dy, const std::vector<bool>&) {
    return std::vector<Tensor>{expand_grad_cuda(dy, keep, in_shape, factor)};
  });
  return y;
}

Tensor amax_cuda(const Tensor& x, const Shape& keep, const Shape& out) {
  cuda::require_float32("amax", {x});
  const int device = x.device().index;
  Tensor y = Tensor::empty(out, x.dtype(), x.device());
  Tensor argmax = Tensor::empty(out, DType::kInt64, x.device());
  kernels::cuda::reduce_max(cuda::f32(x), cuda::reduce_geometry(x.shape(), keep), cuda::f32(y),
                            static_cast<int64_t*>(argmax.raw_data()), cuda::context(device).stream());
  cuda::after_op("amax", device);
  record("amax", {x}, y, [argmax, in_shape = x.shape(), device](const Tensor& dy, const std::vector<bool>&) {
    Tensor dx = Tensor::zeros(in_shape, dy.dtype(), dy.device());
    // Each input element is the maximum of at most one output: no collisions.
    kernels::cuda::scatter_add(cuda::f32(dy), cuda::i64(argmax), dy.numel(), cuda::f32(dx), false,
                               cuda::context(device).stream());
    cuda::after_op("amax backward", device);
    return std::vector<Tensor>{dx};
  });
  return y;
}

}  // namespace grain
