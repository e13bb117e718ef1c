// defines: bias_add_cuda (see bias_add.h)
#include <algorithm>

#include "engine/autograd.h"
#include "engine/cuda/context.h"
#include "engine/cuda/op_support.h"
#include "engine/ops/bias_add.h"
#include "kernels/cuda/elementwise.h"
#include "kernels/cuda/reduce.h"

namespace grain {

Tensor bias_add_cuda(const Tensor& x, const Tensor& b) {
  cuda::require_float32("bias_add", {x, b});
  const int64_t channels = b.size(0), rows = x.numel() / std::max<int64_t>(channels, 1);
  const int device = x.device().index;
  Tensor y = Tensor::empty(x.shape(), x.dtype(), x.device());
  kernels::cuda::bias_add(cuda::f32(x), cuda::f32(b), cuda::f32(y), rows, channels, cuda::context(device).stream());
  cuda::after_op("bias_add", device);
  record("bias_add", {x, b}, y, [channels, rows, device](const Tensor& dy, const std::vector<bool>& need) {
    Tensor db;
    if (need[1]) {
      db = Tensor::empty({channels}, dy.dtype(), dy.device());
      cuda::column_sum(dy, rows, channels, db);
      cuda::after_op("bias_add backward", device);
    }
    return std::vector<Tensor>{need[0] ? dy : Tensor(), db};
  });
  return y;
}

}  // namespace grain
