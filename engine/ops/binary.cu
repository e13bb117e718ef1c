// defines: binary_forward_cuda, negate_cuda (see binary.h) — broadcast kernels
#include "engine/cuda/context.h"
#include "engine/cuda/op_support.h"
#include "engine/ops/binary.h"
#include "kernels/cuda/elementwise.h"

namespace grain {

namespace kc = kernels::cuda;

void binary_forward_cuda(BinaryKind kind, const Tensor& a, const Tensor& b, const Tensor& y) {
  const kc::Binary k = kind == BinaryKind::kAdd   ? kc::Binary::kAdd
                       : kind == BinaryKind::kSub ? kc::Binary::kSub
                                                  : kc::Binary::kMul;
  kc::binary(k, cuda::f32(a), cuda::broadcast_strides(a.shape(), y.shape()), cuda::f32(b),
             cuda::broadcast_strides(b.shape(), y.shape()), cuda::f32(y), y.numel(),
             cuda::context(y.device()).stream());
}

void negate_cuda(const Tensor& x, const Tensor& y) {
  kc::scale(cuda::f32(x), cuda::f32(y), -1.f, x.numel(), cuda::context(x.device()).stream());
}

}  // namespace grain
