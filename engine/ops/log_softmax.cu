// defines: log_softmax_forward_cuda, log_softmax_backward_cuda (see log_softmax.h)
#include "engine/cuda/context.h"
#include "engine/cuda/op_support.h"
#include "engine/ops/log_softmax.h"
#include "kernels/cuda/softmax_nll.h"

namespace grain {

void log_softmax_forward_cuda(const Tensor& x, const Tensor& y) {
  const int64_t k = x.size(-1), rows = x.numel() / k;
  kernels::cuda::log_softmax_forward(cuda::f32(x), cuda::f32(y), rows, k, cuda::context(x.device()).stream());
}

void log_softmax_backward_cuda(const Tensor& y, const Tensor& dy, const Tensor& dx) {
  const int64_t k = y.size(-1), rows = y.numel() / k;
  kernels::cuda::log_softmax_backward(cuda::f32(y), cuda::f32(dy), cuda::f32(dx), rows, k,
                                      cuda::context(dy.device()).stream());
}

}  // namespace grain
