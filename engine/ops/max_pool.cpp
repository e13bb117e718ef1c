// defines: max_pool3d, max_pool2d (see max_pool.h)
//
// The forward records the input index of each window's maximum, so the
// backward is a scatter of dy with no comparisons (ties go to the first
// element in (t, h, w) order, as in PyTorch).
#include "engine/ops/max_pool.h"

#include <memory>
#include <vector>

#include "engine/autograd.h"
#include "engine/backend.h"
#include "engine/error.h"
#include "engine/ops/shape_ops.h"

namespace grain {

namespace {

Tensor max_pool_impl(const char* op, const Tensor& x, std::array<int64_t, 3> k, std::array<int64_t, 3> s) {
  GRAIN_CHECK(x.dim() == 5, op << ": input must be 5-D (N,T,H,W,C), got " << x.shape());
  for (int i = 0; i < 3; ++i) {
    if (s[i] == 0) s[i] = k[i];
    GRAIN_CHECK(k[i] >= 1 && s[i] >= 1, op << ": kernel and stride must be >= 1");
  }
  const int64_t n = x.size(0), d = x.size(1), h = x.size(2), w = x.size(3), c = x.size(4);
  GRAIN_CHECK(d >= k[0] && h >= k[1] && w >= k[2],
              op << ": input " << x.shape() << " is smaller than the window (" << k[0] << "," << k[1] << ","
                 << k[2] << ")");
  const int64_t od = (d - k[0]) / s[0] + 1, oh = (h - k[1]) / s[1] + 1, ow = (w - k[2]) / s[2] + 1;
  GRAIN_CUDA_DISPATCH(x.device(), op, max_pool_cuda(op, x, k, s));
  Tensor y = Tensor::empty({n, od, oh, ow, c}, x.dtype(), x.device());
  auto argmax = std::make_shared<std::vector<int64_t>>(static_cast<size_t>(y.numel()));
  dispatch_floating(x.dtype(), op, [&]<typename T>() {
    const T* xp = x.data<T>();
    T* yp = y.data<T>();
    const int64_t outer = n * od * oh * ow;
#pragma omp parallel for if (y.numel() > 32768)
    for (int64_t o = 0; o < outer; ++o) {
      const int64_t b = o / (od * oh * ow), t = (o / (oh * ow)) % od, i = (o / ow) % oh, j = o % ow;
      for (int64_t ch = 0; ch < c; ++ch) {
        int64_t best = -1;
        T best_value{};
        for (int64_t a = 0; a < k[0]; ++a)
          for (int64_t bb = 0; bb < k[1]; ++bb)
            for (int64_t cc = 0; cc < k[2]; ++cc) {
              const int64_t idx = ((((b * d) + t * s[0] + a) * h + i * s[1] + bb) * w + j * s[2] + cc) * c + ch;
              if (best < 0 || xp[idx] > best_value) {
                best = idx;
                best_value = xp[idx];
              }
            }
        yp[o * c + ch] = best_value;
        (*argmax)[o * c + ch] = best;
      }
    }
  });
  record(op, {x}, y, [argmax, in_shape = x.shape(), op](const Tensor& dy, const std::vector<bool>&) {
    Tensor dx = Tensor::zeros(in_shape, dy.dtype(), dy.device());
    dispatch_floating(dy.dtype(), op, [&]<typename T>() {
      const T* g = dy.data<T>();
      T* dp = dx.data<T>();
      for (size_t o = 0; o < argmax->size(); ++o) dp[(*argmax)[o]] += g[o];
    });
    return std::vector<Tensor>{dx};
  });
  return y;
}

}  // namespace

Tensor max_pool3d(const Tensor& x, std::array<int64_t, 3> kernel, std::array<int64_t, 3> stride) {
  return max_pool_impl("max_pool3d", x, kernel, stride);
}

Tensor max_pool2d(const Tensor& x, std::array<int64_t, 2> kernel, std::array<int64_t, 2> stride) {
  GRAIN_CHECK(x.dim() == 4, "max_pool2d: input must be 4-D (N,H,W,C), got " << x.shape());
  const Tensor y = max_pool_impl("max_pool2d", reshape(x, {x.size(0), 1, x.size(1), x.size(2), x.size(3)}),
                                 {1, kernel[0], kernel[1]}, {1, stride[0], stride[1]});
  return reshape(y, {y.size(0), y.size(2), y.size(3), y.size(4)});
}

}  // namespace grain
