// defines: log_softmax, log_softmax_forward_cpu, log_softmax_backward_cpu (see log_softmax.h)
#include "engine/ops/log_softmax.h"

#include <cmath>

#include "engine/autograd.h"
#include "engine/backend.h"
#include "engine/error.h"
#include "kernels/cpu/softmax_rows.h"

namespace grain {

void log_softmax_forward_cpu(const Tensor& x, const Tensor& y) {
  const int64_t k = x.size(-1), rows = x.numel() / k;
  dispatch_floating(x.dtype(), "log_softmax", [&]<typename T>() {
    const T* xp = x.data<T>();
    T* yp = y.data<T>();
#pragma omp parallel for if (x.numel() > 32768)
    for (int64_t r = 0; r < rows; ++r) kernels::log_softmax_row(xp + r * k, yp + r * k, k);
  });
}

void log_softmax_backward_cpu(const Tensor& y, const Tensor& dy, const Tensor& dx) {
  const int64_t k = y.size(-1), rows = y.numel() / k;
  dispatch_floating(dy.dtype(), "log_softmax backward", [&]<typename T>() {
    const T* g = dy.data<T>();
    const T* yp = y.data<T>();
    T* d = dx.data<T>();
    for (int64_t r = 0; r < rows; ++r) {
      T total = 0;
      for (int64_t i = 0; i < k; ++i) total += g[r * k + i];
      for (int64_t i = 0; i < k; ++i) d[r * k + i] = g[r * k + i] - std::exp(yp[r * k + i]) * total;
    }
  });
}

Tensor log_softmax(const Tensor& x) {
  GRAIN_CHECK(x.dim() >= 1 && x.size(-1) > 0, "log_softmax: input must be [..., K] with K > 0, got " << x.shape());
  check_backend_dtypes("log_softmax", x.device(), {x});
  Tensor y = Tensor::empty(x.shape(), x.dtype(), x.device());
  GRAIN_DISPATCH(x.device(), "log_softmax", log_softmax_forward, x, y);
  record("log_softmax", {x}, y, [y_saved = y.detach()](const Tensor& dy, const std::vector<bool>&) {
    Tensor dx = Tensor::empty(dy.shape(), dy.dtype(), dy.device());
    GRAIN_DISPATCH(dy.device(), "log_softmax backward", log_softmax_backward, y_saved, dy, dx);
    return std::vector<Tensor>{dx};
  });
  return y;
}

}  // namespace grain
