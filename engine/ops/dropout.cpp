// defines: dropout, dropout_mask_cpu (see dropout.h)
#include "engine/ops/dropout.h"

#include "engine/autograd.h"
#include "engine/backend.h"
#include "engine/error.h"
#include "kernels/counter_rng.h"

namespace grain {

void dropout_mask_cpu(const Tensor& x, double p, uint64_t seed, uint64_t offset, const Tensor& y) {
  dispatch_floating(x.dtype(), "dropout", [&]<typename T>() {
    const T* a = x.data<T>();
    T* b = y.data<T>();
    const T keep_scale = static_cast<T>(1.0 / (1.0 - p));
    const int64_t n = x.numel();
#pragma omp parallel for if (n > 65536)
    for (int64_t i = 0; i < n; ++i)
      b[i] = kernels::counter_uniform(seed, offset + static_cast<uint64_t>(i)) >= p ? a[i] * keep_scale : T(0);
  });
}

namespace {
Tensor apply_mask(const Tensor& x, double p, uint64_t seed, uint64_t offset) {
  Tensor y = Tensor::empty(x.shape(), x.dtype(), x.device());
  GRAIN_DISPATCH(x.device(), "dropout", dropout_mask, x, p, seed, offset, y);
  return y;
}
}  // namespace

Tensor dropout(const Tensor& x, double p, uint64_t seed, bool training, uint64_t offset) {
  GRAIN_CHECK(p >= 0.0 && p < 1.0, "dropout: probability must be in [0, 1), got " << p);
  if (!training || p == 0.0) return x;
  check_backend_dtypes("dropout", x.device(), {x});
  Tensor y = apply_mask(x, p, seed, offset);
  record("dropout", {x}, y, [p, seed, offset](const Tensor& dy, const std::vector<bool>&) {
    return std::vector<Tensor>{apply_mask(dy, p, seed, offset)};
  });
  return y;
}

}  // namespace grain
