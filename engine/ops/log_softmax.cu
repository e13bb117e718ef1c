// defines: log_softmax_cuda (see log_softmax.h)
#include "engine/autograd.h"
#include "engine/cuda/context.h"
#include "engine/cuda/op_support.h"
#include "engine/ops/log_softmax.h"
#include "kernels/cuda/softmax_nll.h"

namespace grain {

Tensor log_softmax_cuda(const Tensor& x) {
  cuda::require_float32("log_softmax", {x});
  const int64_t k = x.size(-1), rows = x.numel() / k;
  const int device = x.device().index;
  Tensor y = Tensor::empty(x.shape(), x.dtype(), x.device());
  kernels::cuda::log_softmax_forward(cuda::f32(x), cuda::f32(y), rows, k, cuda::context(device).stream());
  cuda::after_op("log_softmax", device);
  record("log_softmax", {x}, y, [y_saved = y.detach(), k, rows, device](const Tensor& dy, const std::vector<bool>&) {
    Tensor dx = Tensor::empty(dy.shape(), dy.dtype(), dy.device());
    kernels::cuda::log_softmax_backward(cuda::f32(y_saved), cuda::f32(dy), cuda::f32(dx), rows, k,
                                        cuda::context(device).stream());
    cuda::after_op("log_softmax backward", device);
    return std::vector<Tensor>{dx};
  });
  return y;
}

}  // namespace grain
