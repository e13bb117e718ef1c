// defines: matmul_forward_cuda, matmul_backward_cuda (see matmul.h) — cuBLAS
#include "engine/cuda/blas.h"
#include "engine/cuda/op_support.h"
#include "engine/ops/matmul.h"

namespace grain {

void matmul_forward_cuda(const Tensor& a, const Tensor& b, const Tensor& y) {
  const int64_t m = a.size(0), k = a.size(1), n = b.size(1);
  const int device = a.device().index;
  if (k == 0) y.zero();
  else cuda::gemm(device, false, false, m, n, k, 1.f, cuda::f32(a), k, cuda::f32(b), n, 0.f, cuda::f32(y), n);
}

void matmul_backward_cuda(const Tensor& a, const Tensor& b, const Tensor& dy, const Tensor& da, const Tensor& db) {
  const int64_t m = a.size(0), k = a.size(1), n = b.size(1);
  if (da.defined()) cuda::gemm_zeroed(da, false, true, m, k, n, dy, n, b, n);
  if (db.defined()) cuda::gemm_zeroed(db, true, false, k, n, m, a, k, dy, n);
}

}  // namespace grain
