// defines: max_pool3d, max_pool2d, max_pool_forward_cpu, max_pool_backward_cpu (see max_pool.h)
//
// The forward records the position of each window's maximum, so the
// backward is a scatter of dy with no comparisons (ties go to the first
// element in (t, h, w) order, as in PyTorch). Channels-last makes every
// window position a contiguous row of C values: the loops run over C.
#include "engine/ops/max_pool.h"

#include <cstdint>
#include <utility>
#include <vector>

#include "engine/autograd.h"
#include "engine/backend.h"
#include "engine/error.h"
#include "engine/ops/shape_ops.h"

namespace grain {

namespace {

// The window's positions in (t, h, w) order as offsets from its first element.
std::vector<int64_t> window_offsets(const MaxPoolGeometry& g) {
  std::vector<int64_t> offset;
  for (int64_t a = 0; a < g.kernel[0]; ++a)
    for (int64_t bb = 0; bb < g.kernel[1]; ++bb)
      for (int64_t cc = 0; cc < g.kernel[2]; ++cc) offset.push_back(((a * g.h + bb) * g.w + cc) * g.c);
  return offset;
}

// Output rows (N, To, Ho) of ow windows each; the window of output (row, j)
// starts at row_start(row) + j * stride_w C in the input.
auto row_start_of(const MaxPoolGeometry& g) {
  return [od = g.od, oh = g.oh, d = g.d, h = g.h, w = g.w, c = g.c, sd = g.stride[0], sh = g.stride[1]](int64_t row) {
    const int64_t b = row / (od * oh), t = (row / oh) % od, i = row % oh;
    return ((b * d + t * sd) * h + i * sh) * w * c;
  };
}

}  // namespace

void max_pool_forward_cpu(const Tensor& x, const MaxPoolGeometry& g, const Tensor& y, MaxPoolSaved& saved) {
  // Per output element, the position of the maximum in the window (an int32,
  // written once, so left uninitialised).
  const int64_t window = g.kernel[0] * g.kernel[1] * g.kernel[2];
  const std::vector<int64_t> offset = window_offsets(g);
  const auto row_start = row_start_of(g);
  saved.argmax = Tensor::empty(y.shape(), DType::kInt32);
  const int64_t rows = g.n * g.od * g.oh, ow = g.ow, step = g.stride[2] * g.c, c = g.c;
  dispatch_floating(x.dtype(), "max_pool", [&]<typename T>() {
    const T* xp = x.data<T>();
    T* yp = y.data<T>();
    int32_t* am = saved.argmax.data<int32_t>();
    const int64_t* off = offset.data();
    // Vectorised over C: each channel keeps the first element of the window,
    // then takes a later one only when it is strictly greater, as a select.
#pragma omp parallel for if (y.numel() > 32768)
    for (int64_t row = 0; row < rows; ++row)
      for (int64_t j = 0; j < ow; ++j) {
        const int64_t o = row * ow + j;
        const T* xw = xp + row_start(row) + j * step;
        T* __restrict yo = yp + o * c;
        int32_t* __restrict ao = am + o * c;
        for (int64_t ch = 0; ch < c; ++ch) {
          yo[ch] = xw[ch];
          ao[ch] = 0;
        }
        for (int32_t q = 1; q < window; ++q) {
          const T* __restrict xq = xw + off[q];
          for (int64_t ch = 0; ch < c; ++ch) {
            const T v = xq[ch], best = yo[ch];
            const int32_t at = ao[ch], greater = v > best;
            yo[ch] = v > best ? v : best;
            ao[ch] = at + greater * (q - at);  // arithmetic, not ?: (which GCC leaves as a branch)
          }
        }
      }
  });
}

void max_pool_backward_cpu(const MaxPoolGeometry& g, const MaxPoolSaved& saved, const Tensor& dy, const Tensor& dx) {
  const std::vector<int64_t> offset = window_offsets(g);
  const auto row_start = row_start_of(g);
  const int64_t rows = g.n * g.od * g.oh, ow = g.ow, step = g.stride[2] * g.c, c = g.c;
  // Windows that cannot overlap (stride >= kernel on every axis) scatter to
  // distinct elements, so the backward runs in parallel; overlapping ones
  // add in output order on one thread, as they always have.
  const bool disjoint = g.stride[0] >= g.kernel[0] && g.stride[1] >= g.kernel[1] && g.stride[2] >= g.kernel[2];
  dx.zero();
  dispatch_floating(dy.dtype(), "max_pool backward", [&]<typename T>() {
    const T* gp = dy.data<T>();
    T* dp = dx.data<T>();
    const int32_t* am = saved.argmax.data<int32_t>();
    const int64_t* off = offset.data();
#pragma omp parallel for if (disjoint && rows * ow * c > 32768)
    for (int64_t row = 0; row < rows; ++row)
      for (int64_t j = 0; j < ow; ++j) {
        const int64_t o = row * ow + j;
        T* dw = dp + row_start(row) + j * step;
        for (int64_t ch = 0; ch < c; ++ch) dw[off[am[o * c + ch]] + ch] += gp[o * c + ch];
      }
  });
}

namespace {

Tensor max_pool_impl(const char* op, const Tensor& x, std::array<int64_t, 3> k, std::array<int64_t, 3> s) {
  GRAIN_CHECK(x.dim() == 5, op << ": input must be 5-D (N,T,H,W,C), got " << x.shape());
  for (int i = 0; i < 3; ++i) {
    if (s[i] == 0) s[i] = k[i];
    GRAIN_CHECK(k[i] >= 1 && s[i] >= 1, op << ": kernel and stride must be >= 1");
  }
  MaxPoolGeometry g{};
  g.n = x.size(0), g.d = x.size(1), g.h = x.size(2), g.w = x.size(3), g.c = x.size(4);
  g.kernel = k, g.stride = s;
  GRAIN_CHECK(g.d >= k[0] && g.h >= k[1] && g.w >= k[2],
              op << ": input " << x.shape() << " is smaller than the window (" << k[0] << "," << k[1] << ","
                 << k[2] << ")");
  g.od = (g.d - k[0]) / s[0] + 1, g.oh = (g.h - k[1]) / s[1] + 1, g.ow = (g.w - k[2]) / s[2] + 1;
  GRAIN_CHECK(k[0] * k[1] * k[2] <= INT32_MAX,
              op << ": window of " << k[0] * k[1] * k[2] << " elements is too large");
  check_backend_dtypes(op, x.device(), {x});
  Tensor y = Tensor::empty({g.n, g.od, g.oh, g.ow, g.c}, x.dtype(), x.device());
  MaxPoolSaved saved;
  GRAIN_DISPATCH(x.device(), op, max_pool_forward, x, g, y, saved);
  record(op, {x}, y, [g, saved = std::move(saved), in_shape = x.shape(), op](const Tensor& dy,
                                                                             const std::vector<bool>&) {
    Tensor dx = Tensor::empty(in_shape, dy.dtype(), dy.device());
    GRAIN_DISPATCH(dy.device(), op, max_pool_backward, g, saved, dy, dx);
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
