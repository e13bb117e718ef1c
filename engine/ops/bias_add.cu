// defines: bias_add_forward_cuda, bias_add_backward_cuda (see bias_add.h)
#include <algorithm>

#include "engine/cuda/context.h"
#include "engine/cuda/op_support.h"
#include "engine/ops/bias_add.h"
#include "kernels/cuda/elementwise.h"

namespace grain {

void bias_add_forward_cuda(const Tensor& x, const Tensor& b, const Tensor& y) {
  const int64_t channels = b.size(0), rows = x.numel() / std::max<int64_t>(channels, 1);
  kernels::cuda::bias_add(cuda::f32(x), cuda::f32(b), cuda::f32(y), rows, channels, cuda::context(x.device()).stream());
}

void bias_add_backward_cuda(const Tensor& dy, const Tensor& db) {
  const int64_t channels = db.size(0), rows = dy.numel() / std::max<int64_t>(channels, 1);
  cuda::column_sum(dy, rows, channels, db);
}

}  // namespace grain
