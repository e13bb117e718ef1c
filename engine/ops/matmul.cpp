// defines: matmul, matmul_forward_cpu, matmul_backward_cpu (see matmul.h)
#include "engine/ops/matmul.h"

#include "engine/autograd.h"
#include "engine/backend.h"
#include "engine/error.h"
#include "kernels/cpu/gemm.h"

namespace grain {

void matmul_forward_cpu(const Tensor& a, const Tensor& b, const Tensor& y) {
  const int64_t m = a.size(0), k = a.size(1), n = b.size(1);
  dispatch_floating(a.dtype(), "matmul", [&]<typename T>() {
    kernels::gemm(false, false, m, n, k, T(1), a.data<T>(), k, b.data<T>(), n, T(0), y.data<T>(), n);
  });
}

void matmul_backward_cpu(const Tensor& a, const Tensor& b, const Tensor& dy, const Tensor& da, const Tensor& db) {
  const int64_t m = a.size(0), k = a.size(1), n = b.size(1);
  dispatch_floating(dy.dtype(), "matmul backward", [&]<typename T>() {
    if (da.defined())
      kernels::gemm(false, true, m, k, n, T(1), dy.data<T>(), n, b.data<T>(), n, T(0), da.data<T>(), k);
    if (db.defined())
      kernels::gemm(true, false, k, n, m, T(1), a.data<T>(), k, dy.data<T>(), n, T(0), db.data<T>(), n);
  });
}

Tensor matmul(const Tensor& a, const Tensor& b) {
  const Device device = common_device("matmul", {a, b});
  check_same_dtype("matmul", {a, b});
  GRAIN_CHECK(a.dim() == 2 && b.dim() == 2 && a.size(1) == b.size(0),
              "matmul: a [M,K] and b [K,N] expected, got a " << a.shape() << " and b " << b.shape());
  check_backend_dtypes("matmul", device, {a, b});
  Tensor y = Tensor::empty({a.size(0), b.size(1)}, a.dtype(), device);
  GRAIN_DISPATCH(device, "matmul", matmul_forward, a, b, y);
  record("matmul", {a, b}, y, [a, b](const Tensor& dy, const std::vector<bool>& need) {
    Tensor da, db;
    if (need[0]) da = Tensor::empty(a.shape(), dy.dtype(), dy.device());
    if (need[1]) db = Tensor::empty(b.shape(), dy.dtype(), dy.device());
    GRAIN_DISPATCH(dy.device(), "matmul backward", matmul_backward, a, b, dy, da, db);
    return std::vector<Tensor>{da, db};
  });
  return y;
}

}  // namespace grain
