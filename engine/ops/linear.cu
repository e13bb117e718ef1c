// defines: linear_cuda (see linear.h) — one cuBLAS GEMM over all leading dims
#include <algorithm>

#include "engine/autograd.h"
#include "engine/cuda/blas.h"
#include "engine/cuda/context.h"
#include "engine/cuda/op_support.h"
#include "engine/ops/linear.h"
#include "kernels/cuda/elementwise.h"
#include "kernels/cuda/reduce.h"

namespace grain {

Tensor linear_cuda(const Tensor& x, const Tensor& w, const Tensor& b) {
  cuda::require_float32("linear", {x, w, b});
  const int64_t in = w.size(1), out = w.size(0), rows = x.numel() / std::max<int64_t>(in, 1);
  const int device = x.device().index;
  cudaStream_t stream = cuda::context(device).stream();
  Shape y_shape = x.shape();
  y_shape.back() = out;
  Tensor y = Tensor::empty(y_shape, x.dtype(), x.device());
  if (in == 0) y.zero();
  else cuda::gemm(device, false, true, rows, out, in, 1.f, cuda::f32(x), in, cuda::f32(w), in, 0.f, cuda::f32(y), out);
  if (b.defined()) kernels::cuda::bias_add(cuda::f32(y), cuda::f32(b), cuda::f32(y), rows, out, stream);
  cuda::after_op("linear", device);
  record("linear", {x, w, b}, y, [x, w, rows, in, out, device](const Tensor& dy, const std::vector<bool>& need) {
    Tensor dx, dw, db;
    if (need[0]) {
      dx = Tensor::zeros(x.shape(), dy.dtype(), dy.device());
      cuda::gemm(device, false, false, rows, in, out, 1.f, cuda::f32(dy), out, cuda::f32(w), in, 0.f, cuda::f32(dx), in);
    }
    if (need[1]) {
      dw = Tensor::zeros(w.shape(), dy.dtype(), dy.device());
      cuda::gemm(device, true, false, out, in, rows, 1.f, cuda::f32(dy), out, cuda::f32(x), in, 0.f, cuda::f32(dw), in);
    }
    if (need[2]) {
      db = Tensor::empty({out}, dy.dtype(), dy.device());
      cuda::column_sum(dy, rows, out, db);
    }
    cuda::after_op("linear backward", device);
    return std::vector<Tensor>{dx, dw, db};
  });
  return y;
}

}  // namespace grain
