// defines: binary_cuda (see binary.h) — broadcast kernels, gradients
// reduced back to each input's shape by sum_to_shape_cuda.
#include <cstring>

#include "engine/autograd.h"
#include "engine/cuda/context.h"
#include "engine/cuda/op_support.h"
#include "engine/ops/binary.h"
#include "engine/ops/broadcast.h"
#include "kernels/cuda/elementwise.h"

namespace grain {

namespace kc = kernels::cuda;

namespace {
// dy * other (other read through its broadcast to dy's shape).
Tensor times_broadcast_cuda(const Tensor& dy, const Tensor& other) {
  Tensor out = Tensor::empty(dy.shape(), dy.dtype(), dy.device());
  kc::binary(kc::Binary::kMul, cuda::f32(dy), cuda::identity_strides(dy.shape()), cuda::f32(other),
             cuda::broadcast_strides(other.shape(), dy.shape()), cuda::f32(out), dy.numel(),
             cuda::context(dy.device()).stream());
  return out;
}

Tensor negate_cuda(const Tensor& t) {
  Tensor out = Tensor::empty(t.shape(), t.dtype(), t.device());
  kc::scale(cuda::f32(t), cuda::f32(out), -1.f, t.numel(), cuda::context(t.device()).stream());
  return out;
}

Tensor reduce_to(const Tensor& g, const Shape& target) {
  return g.shape() == target ? g : sum_to_shape_cuda(g, target);
}
}  // namespace

Tensor binary_cuda(const char* op, const Tensor& a, const Tensor& b) {
  cuda::require_float32(op, {a, b});
  const kc::Binary kind = std::strcmp(op, "add") == 0   ? kc::Binary::kAdd
                          : std::strcmp(op, "sub") == 0 ? kc::Binary::kSub
                                                        : kc::Binary::kMul;
  const Shape shape = broadcast_shapes(op, a.shape(), b.shape());
  const int device = a.device().index;
  Tensor y = Tensor::empty(shape, a.dtype(), a.device());
  kc::binary(kind, cuda::f32(a), cuda::broadcast_strides(a.shape(), shape), cuda::f32(b),
             cuda::broadcast_strides(b.shape(), shape), cuda::f32(y), y.numel(), cuda::context(device).stream());
  cuda::after_op(op, device);
  record(op, {a, b}, y, [a, b, kind, op, device](const Tensor& dy, const std::vector<bool>& need) {
    Tensor da, db;
    if (need[0]) da = reduce_to(kind == kc::Binary::kMul ? times_broadcast_cuda(dy, b) : dy, a.shape());
    if (need[1]) {
      if (kind == kc::Binary::kAdd) db = reduce_to(dy, b.shape());
      else if (kind == kc::Binary::kSub) db = negate_cuda(reduce_to(dy, b.shape()));
      else db = reduce_to(times_broadcast_cuda(dy, a), b.shape());
    }
    cuda::after_op(op, device);
    return std::vector<Tensor>{da, db};
  });
  return y;
}

}  // namespace grain
