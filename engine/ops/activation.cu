// defines: activation_forward_cuda, activation_backward_cuda (see activation.h)
// — kernels/cuda/elementwise
#include "engine/cuda/context.h"
#include "engine/cuda/op_support.h"
#include "engine/ops/activation.h"
#include "kernels/cuda/elementwise.h"

namespace grain {

namespace kc = kernels::cuda;

namespace {
kc::Activation kernel_kind(Activation kind) {
  return kind == Activation::kRelu   ? kc::Activation::kRelu
         : kind == Activation::kTanh ? kc::Activation::kTanh
                                     : kc::Activation::kSigmoid;
}
}  // namespace

void activation_forward_cuda(Activation kind, const Tensor& x, const Tensor& y) {
  kc::activation_forward(kernel_kind(kind), cuda::f32(x), cuda::f32(y), x.numel(), cuda::context(x.device()).stream());
}

void activation_backward_cuda(Activation kind, const Tensor& y, const Tensor& dy, const Tensor& dx) {
  kc::activation_backward(kernel_kind(kind), cuda::f32(y), cuda::f32(dy), cuda::f32(dx), dy.numel(),
                          cuda::context(dy.device()).stream());
}

}  // namespace grain
