// defines: scale, scale_values_cpu (see scale.h)
#include "engine/ops/scale.h"

#include "engine/autograd.h"
#include "engine/backend.h"

namespace grain {

void scale_values_cpu(const Tensor& x, double s, const Tensor& y) {
  dispatch_floating(x.dtype(), "scale", [&]<typename T>() {
    const T* a = x.data<T>();
    T* b = y.data<T>();
    const T f = static_cast<T>(s);
    const int64_t n = x.numel();
#pragma omp parallel for if (n > 65536)
    for (int64_t i = 0; i < n; ++i) b[i] = f * a[i];
  });
}

namespace {
Tensor scaled(const Tensor& x, double s) {
  Tensor y = Tensor::empty(x.shape(), x.dtype(), x.device());
  GRAIN_DISPATCH(x.device(), "scale", scale_values, x, s, y);
  return y;
}
}  // namespace

Tensor scale(const Tensor& x, double s) {
  check_backend_dtypes("scale", x.device(), {x});
  Tensor y = scaled(x, s);
  record("scale", {x}, y, [s](const Tensor& dy, const std::vector<bool>&) {
    return std::vector<Tensor>{scaled(dy, s)};
  });
  return y;
}

}  // namespace grain
