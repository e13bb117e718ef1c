// defines: time_average (see time_average.h)
#include "engine/ops/time_average.h"

#include "engine/autograd.h"
#include "engine/backend.h"
#include "engine/error.h"

namespace grain {

Tensor time_average(const Tensor& x) {
  GRAIN_CHECK(x.dim() == 3 && x.size(1) > 0, "time_average: input must be [N, T, C] with T > 0, got " << x.shape());
  GRAIN_CUDA_DISPATCH(x.device(), "time_average", time_average_cuda(x));
  const int64_t n = x.size(0), t = x.size(1), c = x.size(2);
  Tensor h = Tensor::zeros({n, c}, x.dtype(), x.device());
  dispatch_floating(x.dtype(), "time_average", [&]<typename T>() {
    const T* xp = x.data<T>();
    T* hp = h.data<T>();
    for (int64_t b = 0; b < n; ++b) {
      for (int64_t s = 0; s < t; ++s)
        for (int64_t ch = 0; ch < c; ++ch) hp[b * c + ch] += xp[(b * t + s) * c + ch];
      for (int64_t ch = 0; ch < c; ++ch) hp[b * c + ch] /= static_cast<T>(t);
    }
  });
  record("time_average", {x}, h, [n, t, c](const Tensor& dh, const std::vector<bool>&) {
    Tensor dx = Tensor::empty({n, t, c}, dh.dtype(), dh.device());
    dispatch_floating(dh.dtype(), "time_average backward", [&]<typename T>() {
      const T* g = dh.data<T>();
      T* d = dx.data<T>();
      for (int64_t b = 0; b < n; ++b)
        for (int64_t s = 0; s < t; ++s)
          for (int64_t ch = 0; ch < c; ++ch) d[(b * t + s) * c + ch] = g[b * c + ch] / static_cast<T>(t);
    });
    return std::vector<Tensor>{dx};
  });
  return h;
}

}  // namespace grain
