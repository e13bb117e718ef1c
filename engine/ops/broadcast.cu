// defines: sum_to_shape_cuda (see broadcast.h) — a deterministic reduction
#include "engine/cuda/context.h"
#include "engine/cuda/op_support.h"
#include "engine/ops/broadcast.h"

namespace grain {

Tensor sum_to_shape_cuda(const Tensor& g, const Shape& target) {
  cuda::require_float32("sum_to_shape", {g});
  // target aligned from the right, missing leading dims reduced (as 1).
  Shape keep(g.shape().size(), 1);
  const size_t offset = g.shape().size() - target.size();
  for (size_t i = 0; i < target.size(); ++i) keep[offset + i] = target[i];
  Tensor out = Tensor::empty(target, g.dtype(), g.device());
  cuda::reduce_sum(g, keep, out, 1.f);
  cuda::after_op("sum_to_shape", g.device().index);
  return out;
}

}  // namespace grain
