// defines: bias_add, bias_add_forward_cpu, bias_add_backward_cpu (see bias_add.h)
#include "engine/ops/bias_add.h"

#include "engine/autograd.h"
#include "engine/backend.h"
#include "engine/error.h"

namespace grain {

void bias_add_forward_cpu(const Tensor& x, const Tensor& b, const Tensor& y) {
  const int64_t channels = b.size(0), rows = x.numel() / std::max<int64_t>(channels, 1);
  dispatch_floating(x.dtype(), "bias_add", [&]<typename T>() {
    const T* xp = x.data<T>();
    const T* bp = b.data<T>();
    T* yp = y.data<T>();
#pragma omp parallel for if (rows * channels > 65536)
    for (int64_t r = 0; r < rows; ++r)
      for (int64_t c = 0; c < channels; ++c) yp[r * channels + c] = xp[r * channels + c] + bp[c];
  });
}

void bias_add_backward_cpu(const Tensor& dy, const Tensor& db) {
  const int64_t channels = db.size(0), rows = dy.numel() / std::max<int64_t>(channels, 1);
  db.zero();
  dispatch_floating(dy.dtype(), "bias_add backward", [&]<typename T>() {
    const T* g = dy.data<T>();
    T* d = db.data<T>();
    for (int64_t r = 0; r < rows; ++r)
      for (int64_t c = 0; c < channels; ++c) d[c] += g[r * channels + c];
  });
}

Tensor bias_add(const Tensor& x, const Tensor& b) {
  const Device device = common_device("bias_add", {x, b});
  check_same_dtype("bias_add", {x, b});
  GRAIN_CHECK(x.dim() >= 1 && b.dim() == 1 && b.size(0) == x.size(-1),
              "bias_add: x [..., C] and b [C] expected, got x " << x.shape() << " and b " << b.shape());
  check_backend_dtypes("bias_add", device, {x, b});
  Tensor y = Tensor::empty(x.shape(), x.dtype(), device);
  GRAIN_DISPATCH(device, "bias_add", bias_add_forward, x, b, y);
  record("bias_add", {x, b}, y, [channels = b.size(0)](const Tensor& dy, const std::vector<bool>& need) {
    Tensor db;
    if (need[1]) {
      db = Tensor::empty({channels}, dy.dtype(), dy.device());
      GRAIN_DISPATCH(dy.device(), "bias_add backward", bias_add_backward, dy, db);
    }
    return std::vector<Tensor>{need[0] ? dy : Tensor(), db};
  });
  return y;
}

}  // namespace grain
