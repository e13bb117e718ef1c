// defines: linear_forward_cuda, linear_backward_cuda (see linear.h) — one
// cuBLAS GEMM over all leading dims
#include <algorithm>

#include "engine/cuda/blas.h"
#include "engine/cuda/context.h"
#include "engine/cuda/op_support.h"
#include "engine/ops/linear.h"
#include "kernels/cuda/elementwise.h"

namespace grain {

void linear_forward_cuda(const Tensor& x, const Tensor& w, const Tensor& b, const Tensor& y) {
  const int64_t in = w.size(1), out = w.size(0), rows = x.numel() / std::max<int64_t>(in, 1);
  const int device = x.device().index;
  cudaStream_t stream = cuda::context(device).stream();
  if (in == 0) y.zero();
  else cuda::gemm(device, false, true, rows, out, in, 1.f, cuda::f32(x), in, cuda::f32(w), in, 0.f, cuda::f32(y), out);
  if (b.defined()) kernels::cuda::bias_add(cuda::f32(y), cuda::f32(b), cuda::f32(y), rows, out, stream);
}

void linear_backward_cuda(const Tensor& x, const Tensor& w, const Tensor& dy, const Tensor& dx, const Tensor& dw,
                          const Tensor& db) {
  const int64_t in = w.size(1), out = w.size(0), rows = x.numel() / std::max<int64_t>(in, 1);
  if (dx.defined()) cuda::gemm_zeroed(dx, false, false, rows, in, out, dy, out, w, in);
  if (dw.defined()) cuda::gemm_zeroed(dw, true, false, out, in, rows, dy, out, x, in);
  if (db.defined()) cuda::column_sum(dy, rows, out, db);
}

}  // namespace grain
