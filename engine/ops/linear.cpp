// defines: linear, linear_forward_cpu, linear_backward_cpu (see linear.h)
//
// The leading dims of x are flattened into one GEMM row dimension, so a
// sequence [N, L, in] costs one GEMM, not L.
#include "engine/ops/linear.h"

#include "engine/autograd.h"
#include "engine/backend.h"
#include "engine/error.h"
#include "kernels/cpu/gemm.h"

namespace grain {

void linear_forward_cpu(const Tensor& x, const Tensor& w, const Tensor& b, const Tensor& y) {
  const int64_t in = w.size(1), out = w.size(0), rows = x.numel() / std::max<int64_t>(in, 1);
  dispatch_floating(x.dtype(), "linear", [&]<typename T>() {
    T* yp = y.data<T>();
    if (b.defined()) {
      const T* bp = b.data<T>();
      for (int64_t r = 0; r < rows; ++r)
        for (int64_t o = 0; o < out; ++o) yp[r * out + o] = bp[o];
    }
    kernels::gemm(false, true, rows, out, in, T(1), x.data<T>(), in, w.data<T>(), in, T(b.defined() ? 1 : 0), yp,
                  out);
  });
}

void linear_backward_cpu(const Tensor& x, const Tensor& w, const Tensor& dy, const Tensor& dx, const Tensor& dw,
                         const Tensor& db) {
  const int64_t in = w.size(1), out = w.size(0), rows = x.numel() / std::max<int64_t>(in, 1);
  dispatch_floating(dy.dtype(), "linear backward", [&]<typename T>() {
    const T* g = dy.data<T>();
    if (dx.defined())
      kernels::gemm(false, false, rows, in, out, T(1), g, out, w.data<T>(), in, T(0), dx.data<T>(), in);
    if (dw.defined())
      kernels::gemm(true, false, out, in, rows, T(1), g, out, x.data<T>(), in, T(0), dw.data<T>(), in);
    if (db.defined()) {
      db.zero();
      T* d = db.data<T>();
      for (int64_t r = 0; r < rows; ++r)
        for (int64_t o = 0; o < out; ++o) d[o] += g[r * out + o];
    }
  });
}

Tensor linear(const Tensor& x, const Tensor& w, const Tensor& b) {
  const Device device = common_device("linear", {x, w, b});
  check_same_dtype("linear", {x, w, b});
  GRAIN_CHECK(x.dim() >= 1 && w.dim() == 2 && x.size(-1) == w.size(1),
              "linear: x [..., in] and w [out, in] expected, got x " << x.shape() << " and w " << w.shape());
  GRAIN_CHECK(!b.defined() || (b.dim() == 1 && b.size(0) == w.size(0)),
              "linear: b must be [" << w.size(0) << "], got " << b.shape());
  check_backend_dtypes("linear", device, {x, w, b});
  Shape y_shape = x.shape();
  y_shape.back() = w.size(0);
  Tensor y = Tensor::empty(y_shape, x.dtype(), device);
  GRAIN_DISPATCH(device, "linear", linear_forward, x, w, b, y);
  record("linear", {x, w, b}, y, [x, w](const Tensor& dy, const std::vector<bool>& need) {
    Tensor dx, dw, db;
    if (need[0]) dx = Tensor::empty(x.shape(), dy.dtype(), dy.device());
    if (need[1]) dw = Tensor::empty(w.shape(), dy.dtype(), dy.device());
    if (need[2]) db = Tensor::empty({w.size(0)}, dy.dtype(), dy.device());
    GRAIN_DISPATCH(dy.device(), "linear backward", linear_backward, x, w, dy, dx, dw, db);
    return std::vector<Tensor>{dx, dw, db};
  });
  return y;
}

}  // namespace grain
