// defines: sum, mean, amax (see reduce.h)
//
// Every reduction maps each input index to its output index with a
// BroadcastIndex (the output seen as broadcast back to the input's shape).
#include "engine/ops/reduce.h"

#include <limits>

#include "engine/autograd.h"
#include "engine/backend.h"
#include "engine/error.h"
#include "engine/ops/broadcast.h"

namespace grain {

namespace {

struct ReducedShapes {
  Shape keep;  // reduced dims as 1
  Shape out;   // what the caller gets
  int64_t count = 1;
};

ReducedShapes reduced_shapes(const char* op, const Shape& in, const std::vector<int64_t>& dims, bool keepdim) {
  std::vector<bool> reduce(in.size(), dims.empty());
  for (int64_t d : dims) reduce[normalize_dim(d, in.size(), op)] = true;
  ReducedShapes r;
  for (size_t i = 0; i < in.size(); ++i) {
    r.keep.push_back(reduce[i] ? 1 : in[i]);
    if (reduce[i]) r.count *= in[i];
    if (!reduce[i] || keepdim) r.out.push_back(reduce[i] ? 1 : in[i]);
  }
  return r;
}

// dy (out shape) broadcast to `in_shape`, times factor.
Tensor expand_grad(const Tensor& dy, const Shape& keep, const Shape& in_shape, double factor) {
  GRAIN_CUDA_DISPATCH(dy.device(), "sum/mean backward", expand_grad_cuda(dy, keep, in_shape, factor));
  Tensor dx = Tensor::empty(in_shape, dy.dtype(), dy.device());
  const BroadcastIndex index(keep, in_shape);
  dispatch_floating(dy.dtype(), "sum/mean backward", [&]<typename T>() {
    const T* g = dy.data<T>();
    T* d = dx.data<T>();
    const T f = static_cast<T>(factor);
    for (int64_t i = 0; i < dx.numel(); ++i) d[i] = g[index(i)] * f;
  });
  return dx;
}

Tensor sum_or_mean(const char* op, const Tensor& x, const std::vector<int64_t>& dims, bool keepdim, bool average) {
  const ReducedShapes r = reduced_shapes(op, x.shape(), dims, keepdim);
  GRAIN_CUDA_DISPATCH(x.device(), op, sum_or_mean_cuda(op, x, r.keep, r.out, average));
  Tensor y = Tensor::zeros(r.out, x.dtype(), x.device());
  const double factor = average ? 1.0 / static_cast<double>(std::max<int64_t>(r.count, 1)) : 1.0;
  const BroadcastIndex index(r.keep, x.shape());
  dispatch_floating(x.dtype(), op, [&]<typename T>() {
    const T* a = x.data<T>();
    T* b = y.data<T>();
    for (int64_t i = 0; i < x.numel(); ++i) b[index(i)] += a[i];
    if (average)
      for (int64_t i = 0; i < y.numel(); ++i) b[i] *= static_cast<T>(factor);
  });
  record(op, {x}, y, [r, in_shape = x.shape(), factor](const Tensor& dy, const std::vector<bool>&) {
    return std::vector<Tensor>{expand_grad(dy, r.keep, in_shape, factor)};
  });
  return y;
}

}  // namespace

Tensor sum(const Tensor& x, const std::vector<int64_t>& dims, bool keepdim) {
  return sum_or_mean("sum", x, dims, keepdim, false);
}

Tensor mean(const Tensor& x, const std::vector<int64_t>& dims, bool keepdim) {
  return sum_or_mean("mean", x, dims, keepdim, true);
}

Tensor amax(const Tensor& x, const std::vector<int64_t>& dims, bool keepdim) {
  const ReducedShapes r = reduced_shapes("amax", x.shape(), dims, keepdim);
  GRAIN_CHECK(r.count > 0, "amax: reducing over an empty dim of " << x.shape());
  GRAIN_CUDA_DISPATCH(x.device(), "amax", amax_cuda(x, r.keep, r.out));
  Tensor y = Tensor::empty(r.out, x.dtype(), x.device());
  auto argmax = std::make_shared<std::vector<int64_t>>(static_cast<size_t>(y.numel()), -1);
  const BroadcastIndex index(r.keep, x.shape());
  dispatch_floating(x.dtype(), "amax", [&]<typename T>() {
    const T* a = x.data<T>();
    T* b = y.data<T>();
    for (int64_t i = 0; i < x.numel(); ++i) {
      const int64_t o = index(i);
      if ((*argmax)[o] < 0 || a[i] > b[o]) {
        b[o] = a[i];
        (*argmax)[o] = i;
      }
    }
  });
  record("amax", {x}, y, [argmax, in_shape = x.shape()](const Tensor& dy, const std::vector<bool>&) {
    Tensor dx = Tensor::zeros(in_shape, dy.dtype(), dy.device());
    dispatch_floating(dy.dtype(), "amax backward", [&]<typename T>() {
      const T* g = dy.data<T>();
      T* d = dx.data<T>();
      for (size_t o = 0; o < argmax->size(); ++o) d[(*argmax)[o]] += g[o];
    });
    return std::vector<Tensor>{dx};
  });
  return y;
}

}  // namespace grain
