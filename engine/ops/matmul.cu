// defines: matmul_cuda (see matmul.h) — cuBLAS
#include "engine/autograd.h"
#include "engine/cuda/blas.h"
#include "engine/cuda/context.h"
#include "engine/cuda/op_support.h"
#include "engine/ops/matmul.h"

namespace grain {

Tensor matmul_cuda(const Tensor& a, const Tensor& b) {
  cuda::require_float32("matmul", {a, b});
  const int64_t m = a.size(0), k = a.size(1), n = b.size(1);
  const int device = a.device().index;
  Tensor y = Tensor::empty({m, n}, a.dtype(), a.device());
  if (k == 0) y.zero();
  else cuda::gemm(device, false, false, m, n, k, 1.f, cuda::f32(a), k, cuda::f32(b), n, 0.f, cuda::f32(y), n);
  cuda::after_op("matmul", device);
  record("matmul", {a, b}, y, [a, b, m, k, n, device](const Tensor& dy, const std::vector<bool>& need) {
    Tensor da, db;
    if (need[0]) {
      da = Tensor::zeros({m, k}, dy.dtype(), dy.device());
      cuda::gemm(device, false, true, m, k, n, 1.f, cuda::f32(dy), n, cuda::f32(b), n, 0.f, cuda::f32(da), k);
    }
    if (need[1]) {
      db = Tensor::zeros({k, n}, dy.dtype(), dy.device());
      cuda::gemm(device, true, false, k, n, m, 1.f, cuda::f32(a), k, cuda::f32(dy), n, 0.f, cuda::f32(db), n);
    }
    cuda::after_op("matmul backward", device);
    return std::vector<Tensor>{da, db};
  });
  return y;
}

}  // namespace grain
