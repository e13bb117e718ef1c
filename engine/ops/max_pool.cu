// defines: max_pool_cuda (see max_pool.h)
//
// A custom kernel rather than cuDNN pooling: it records the index of each
// window's first maximum exactly as the CPU does, so ties (common after ReLU
// zeros) route the gradient to the same element on both backends.
#include "engine/autograd.h"
#include "engine/cuda/context.h"
#include "engine/cuda/op_support.h"
#include "engine/ops/max_pool.h"
#include "kernels/cuda/pool_norm.h"
#include "kernels/cuda/reduce.h"

namespace grain {

Tensor max_pool_cuda(const char* op, const Tensor& x, std::array<int64_t, 3> k, std::array<int64_t, 3> s) {
  cuda::require_float32(op, {x});
  kernels::cuda::PoolGeometry g{};
  g.n = x.size(0), g.d = x.size(1), g.h = x.size(2), g.w = x.size(3), g.c = x.size(4);
  g.kd = k[0], g.kh = k[1], g.kw = k[2], g.sd = s[0], g.sh = s[1], g.sw = s[2];
  g.od = (g.d - k[0]) / s[0] + 1, g.oh = (g.h - k[1]) / s[1] + 1, g.ow = (g.w - k[2]) / s[2] + 1;
  const int device = x.device().index;
  Tensor y = Tensor::empty({g.n, g.od, g.oh, g.ow, g.c}, x.dtype(), x.device());
  Tensor argmax = Tensor::empty(y.shape(), DType::kInt64, x.device());
  kernels::cuda::max_pool3d_forward(cuda::f32(x), g, cuda::f32(y), static_cast<int64_t*>(argmax.raw_data()),
                                    cuda::context(device).stream());
  cuda::after_op(op, device);
  // Windows overlap only when a stride is smaller than its window.
  const bool overlapping = s[0] < k[0] || s[1] < k[1] || s[2] < k[2];
  record(op, {x}, y, [argmax, in_shape = x.shape(), op, device, overlapping](const Tensor& dy, const std::vector<bool>&) {
    Tensor dx = Tensor::zeros(in_shape, dy.dtype(), dy.device());
    kernels::cuda::scatter_add(cuda::f32(dy), cuda::i64(argmax), dy.numel(), cuda::f32(dx), overlapping,
                               cuda::context(device).stream());
    cuda::after_op(op, device);
    return std::vector<Tensor>{dx};
  });
  return y;
}

}  // namespace grain
