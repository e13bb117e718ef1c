// defines: time_average, time_average_forward_cpu, time_average_backward_cpu (see time_average.h)
#include "engine/ops/time_average.h"

#include "engine/autograd.h"
#include "engine/backend.h"
#include "engine/error.h"

namespace grain {

void time_average_forward_cpu(const Tensor& x, const Tensor& h) {
  const int64_t n = x.size(0), t = x.size(1), c = x.size(2);
  h.zero();
  dispatch_floating(x.dtype(), "time_average", [&]<typename T>() {
    const T* xp = x.data<T>();
    T* hp = h.data<T>();
    for (int64_t b = 0; b < n; ++b) {
      for (int64_t s = 0; s < t; ++s)
        for (int64_t ch = 0; ch < c; ++ch) hp[b * c + ch] += xp[(b * t + s) * c + ch];
      for (int64_t ch = 0; ch < c; ++ch) hp[b * c + ch] /= static_cast<T>(t);
    }
  });
}

void time_average_backward_cpu(const Tensor& dh, const Tensor& dx) {
  const int64_t n = dx.size(0), t = dx.size(1), c = dx.size(2);
  dispatch_floating(dh.dtype(), "time_average backward", [&]<typename T>() {
    const T* g = dh.data<T>();
    T* d = dx.data<T>();
    for (int64_t b = 0; b < n; ++b)
      for (int64_t s = 0; s < t; ++s)
        for (int64_t ch = 0; ch < c; ++ch) d[(b * t + s) * c + ch] = g[b * c + ch] / static_cast<T>(t);
  });
}

Tensor time_average(const Tensor& x) {
  GRAIN_CHECK(x.dim() == 3 && x.size(1) > 0, "time_average: input must be [N, T, C] with T > 0, got " << x.shape());
  check_backend_dtypes("time_average", x.device(), {x});
  Tensor h = Tensor::empty({x.size(0), x.size(2)}, x.dtype(), x.device());
  GRAIN_DISPATCH(x.device(), "time_average", time_average_forward, x, h);
  record("time_average", {x}, h, [in_shape = x.shape()](const Tensor& dh, const std::vector<bool>&) {
    Tensor dx = Tensor::empty(in_shape, dh.dtype(), dh.device());
    GRAIN_DISPATCH(dh.device(), "time_average backward", time_average_backward, dh, dx);
    return std::vector<Tensor>{dx};
  });
  return h;
}

}  // namespace grain
