// defines: matmul (see matmul.h)
#include "engine/ops/matmul.h"

#include "engine/autograd.h"
#include "engine/backend.h"
#include "engine/error.h"
#include "kernels/cpu/gemm.h"

namespace grain {

Tensor matmul(const Tensor& a, const Tensor& b) {
  const Device device = common_device("matmul", {a, b});
  check_same_dtype("matmul", {a, b});
  GRAIN_CHECK(a.dim() == 2 && b.dim() == 2 && a.size(1) == b.size(0),
              "matmul: a [M,K] and b [K,N] expected, got a " << a.shape() << " and b " << b.shape());
  GRAIN_CUDA_DISPATCH(device, "matmul", matmul_cuda(a, b));
  const int64_t m = a.size(0), k = a.size(1), n = b.size(1);
  Tensor y = Tensor::empty({m, n}, a.dtype(), device);
  dispatch_floating(a.dtype(), "matmul", [&]<typename T>() {
    kernels::gemm(false, false, m, n, k, T(1), a.data<T>(), k, b.data<T>(), n, T(0), y.data<T>(), n);
  });
  record("matmul", {a, b}, y, [a, b, m, k, n](const Tensor& dy, const std::vector<bool>& need) {
    Tensor da, db;
    dispatch_floating(dy.dtype(), "matmul backward", [&]<typename T>() {
      if (need[0]) {
        da = Tensor::empty({m, k}, dy.dtype(), dy.device());
        kernels::gemm(false, true, m, k, n, T(1), dy.data<T>(), n, b.data<T>(), n, T(0), da.data<T>(), k);
      }
      if (need[1]) {
        db = Tensor::empty({k, n}, dy.dtype(), dy.device());
        kernels::gemm(true, false, k, n, m, T(1), a.data<T>(), k, dy.data<T>(), n, T(0), db.data<T>(), n);
      }
    });
    return std::vector<Tensor>{da, db};
  });
  return y;
}

}  // namespace grain
