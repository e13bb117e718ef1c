// defines: log_softmax (see log_softmax.h)
#include "engine/ops/log_softmax.h"

#include <cmath>

#include "engine/autograd.h"
#include "engine/backend.h"
#include "engine/error.h"
#include "kernels/cpu/softmax_rows.h"

namespace grain {

Tensor log_softmax(const Tensor& x) {
  GRAIN_CHECK(x.dim() >= 1 && x.size(-1) > 0, "log_softmax: input must be [..., K] with K > 0, got " << x.shape());
  GRAIN_CUDA_DISPATCH(x.device(), "log_softmax", log_softmax_cuda(x));
  const int64_t k = x.size(-1), rows = x.numel() / k;
  Tensor y = Tensor::empty(x.shape(), x.dtype(), x.device());
  dispatch_floating(x.dtype(), "log_softmax", [&]<typename T>() {
    const T* xp = x.data<T>();
    T* yp = y.data<T>();
#pragma omp parallel for if (x.numel() > 32768)
    for (int64_t r = 0; r < rows; ++r) kernels::log_softmax_row(xp + r * k, yp + r * k, k);
  });
  record("log_softmax", {x}, y, [y_saved = y.detach(), k, rows](const Tensor& dy, const std::vector<bool>&) {
    Tensor dx = Tensor::empty(dy.shape(), dy.dtype(), dy.device());
    dispatch_floating(dy.dtype(), "log_softmax backward", [&]<typename T>() {
      const T* g = dy.data<T>();
      const T* yp = y_saved.data<T>();
      T* d = dx.data<T>();
      for (int64_t r = 0; r < rows; ++r) {
        T total = 0;
        for (int64_t i = 0; i < k; ++i) total += g[r * k + i];
        for (int64_t i = 0; i < k; ++i) d[r * k + i] = g[r * k + i] - std::exp(yp[r * k + i]) * total;
      }
    });
    return std::vector<Tensor>{dx};
  });
  return y;
}

}  // namespace grain
