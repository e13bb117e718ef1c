// defines: max_pool3d, max_pool2d (see max_pool.h)
//
// The forward records the position of each window's maximum, so the
// backward is a scatter of dy with no comparisons (ties go to the first
// element in (t, h, w) order, as in PyTorch). Channels-last makes every
// window position a contiguous row of C values: the loops run over C.
#include "engine/ops/max_pool.h"

#include <cstdint>
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
  // The window's positions in (t, h, w) order as offsets from its first
  // element; the forward records, per output element, the position of the
  // maximum (an int32 per value, written once, so left uninitialised).
  const int64_t window = k[0] * k[1] * k[2];
  GRAIN_CHECK(window <= INT32_MAX, op << ": window of " << window << " elements is too large");
  std::vector<int64_t> offset;
  for (int64_t a = 0; a < k[0]; ++a)
    for (int64_t bb = 0; bb < k[1]; ++bb)
      for (int64_t cc = 0; cc < k[2]; ++cc) offset.push_back(((a * h + bb) * w + cc) * c);
  const std::shared_ptr<int32_t[]> argmax(new int32_t[static_cast<size_t>(y.numel())]);
  // Output rows (N, To, Ho) of ow windows each; the window of output
  // (row, j) starts at row_start(row) + j * step in the input.
  const int64_t rows = n * od * oh, step = s[2] * c;
  const auto row_start = [=](int64_t row) {
    const int64_t b = row / (od * oh), t = (row / oh) % od, i = row % oh;
    return ((b * d + t * s[0]) * h + i * s[1]) * w * c;
  };
  dispatch_floating(x.dtype(), op, [&]<typename T>() {
    const T* xp = x.data<T>();
    T* yp = y.data<T>();
    int32_t* am = argmax.get();
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
  // Windows that cannot overlap (stride >= kernel on every axis) scatter to
  // distinct elements, so the backward runs in parallel; overlapping ones
  // add in output order on one thread, as they always have.
  const bool disjoint = s[0] >= k[0] && s[1] >= k[1] && s[2] >= k[2];
  record(op, {x}, y,
         [argmax, offset = std::move(offset), row_start, rows, ow, step, c, disjoint, in_shape = x.shape(), op](
             const Tensor& dy, const std::vector<bool>&) {
           Tensor dx = Tensor::zeros(in_shape, dy.dtype(), dy.device());
           dispatch_floating(dy.dtype(), op, [&]<typename T>() {
             const T* g = dy.data<T>();
             T* dp = dx.data<T>();
             const int32_t* am = argmax.get();
             const int64_t* off = offset.data();
#pragma omp parallel for if (disjoint && rows * ow * c > 32768)
             for (int64_t row = 0; row < rows; ++row)
               for (int64_t j = 0; j < ow; ++j) {
                 const int64_t o = row * ow + j;
                 T* dw = dp + row_start(row) + j * step;
                 for (int64_t ch = 0; ch < c; ++ch) dw[off[am[o * c + ch]] + ch] += g[o * c + ch];
               }
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
