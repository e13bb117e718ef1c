// defines: activation_cuda (see activation.h) — kernels/cuda/elementwise
#include <cstring>

#include "engine/autograd.h"
#include "engine/cuda/context.h"
#include "engine/cuda/op_support.h"
#include "engine/ops/activation.h"
#include "kernels/cuda/elementwise.h"

namespace grain {

namespace kc = kernels::cuda;

Tensor activation_cuda(const char* op, const Tensor& x) {
  cuda::require_float32(op, {x});
  const kc::Activation act = std::strcmp(op, "relu") == 0   ? kc::Activation::kRelu
                             : std::strcmp(op, "tanh") == 0 ? kc::Activation::kTanh
                                                            : kc::Activation::kSigmoid;
  const int device = x.device().index;
  Tensor y = Tensor::empty(x.shape(), x.dtype(), x.device());
  kc::activation_forward(act, cuda::f32(x), cuda::f32(y), x.numel(), cuda::context(device).stream());
  cuda::after_op(op, device);
  record(op, {x}, y, [op, act, device, y_saved = y.detach()](const Tensor& dy, const std::vector<bool>&) {
    Tensor dx = Tensor::empty(dy.shape(), dy.dtype(), dy.device());
    kc::activation_backward(act, cuda::f32(y_saved), cuda::f32(dy), cuda::f32(dx), dy.numel(),
                            cuda::context(device).stream());
    cuda::after_op(op, device);
    return std::vector<Tensor>{dx};
  });
  return y;
}

}  // namespace grain
