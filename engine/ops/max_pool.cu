// defines: max_pool_forward_cuda, max_pool_backward_cuda (see max_pool.h)
//
// A custom kernel rather than cuDNN pooling: it records the index of each
// window's first maximum exactly as the CPU does, so ties (common after ReLU
// zeros) route the gradient to the same element on both backends.
#include "engine/cuda/context.h"
#include "engine/cuda/op_support.h"
#include "engine/ops/max_pool.h"
#include "kernels/cuda/pool_norm.h"
#include "kernels/cuda/reduce.h"

namespace grain {

void max_pool_forward_cuda(const Tensor& x, const MaxPoolGeometry& pool, const Tensor& y, MaxPoolSaved& saved) {
  kernels::cuda::PoolGeometry g{};
  g.n = pool.n, g.d = pool.d, g.h = pool.h, g.w = pool.w, g.c = pool.c;
  g.kd = pool.kernel[0], g.kh = pool.kernel[1], g.kw = pool.kernel[2];
  g.sd = pool.stride[0], g.sh = pool.stride[1], g.sw = pool.stride[2];
  g.od = pool.od, g.oh = pool.oh, g.ow = pool.ow;
  saved.argmax = Tensor::empty(y.shape(), DType::kInt64, x.device());
  kernels::cuda::max_pool3d_forward(cuda::f32(x), g, cuda::f32(y), static_cast<int64_t*>(saved.argmax.raw_data()),
                                    cuda::context(x.device()).stream());
}

void max_pool_backward_cuda(const MaxPoolGeometry& pool, const MaxPoolSaved& saved, const Tensor& dy,
                            const Tensor& dx) {
  // Windows overlap only when a stride is smaller than its window.
  const bool overlapping = pool.stride[0] < pool.kernel[0] || pool.stride[1] < pool.kernel[1] ||
                           pool.stride[2] < pool.kernel[2];
  dx.zero();
  kernels::cuda::scatter_add(cuda::f32(dy), cuda::i64(saved.argmax), dy.numel(), cuda::f32(dx), overlapping,
                             cuda::context(dy.device()).stream());
}

}  // namespace grain
