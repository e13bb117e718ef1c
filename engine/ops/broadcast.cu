// defines: sum_to_shape_cuda (see broadcast.h) — a deterministic reduction
#include "engine/cuda/op_support.h"
#include "engine/ops/broadcast.h"

namespace grain {

void sum_to_shape_cuda(const Tensor& g, const Tensor& out) {
  // target aligned from the right, missing leading dims reduced (as 1).
  const Shape& target = out.shape();
  Shape keep(g.shape().size(), 1);
  const size_t offset = g.shape().size() - target.size();
  for (size_t i = 0; i < target.size(); ++i) keep[offset + i] = target[i];
  cuda::reduce_sum(g, keep, out, 1.f);
}

}  // namespace grain
