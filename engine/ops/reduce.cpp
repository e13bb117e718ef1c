// defines: sum, mean, amax and their CPU arithmetic (see reduce.h)
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

void sum_forward_cpu(const Tensor& x, const Shape& keep, double factor, const Tensor& y) {
  y.zero();
  const BroadcastIndex index(keep, x.shape());
  dispatch_floating(x.dtype(), "sum/mean", [&]<typename T>() {
    const T* a = x.data<T>();
    T* b = y.data<T>();
    for (int64_t i = 0; i < x.numel(); ++i) b[index(i)] += a[i];
    if (factor != 1.0)
      for (int64_t i = 0; i < y.numel(); ++i) b[i] *= static_cast<T>(factor);
  });
}

void sum_backward_cpu(const Tensor& dy, const Shape& keep, double factor, const Tensor& dx) {
  const BroadcastIndex index(keep, dx.shape());
  dispatch_floating(dy.dtype(), "sum/mean backward", [&]<typename T>() {
    const T* g = dy.data<T>();
    T* d = dx.data<T>();
    const T f = static_cast<T>(factor);
    for (int64_t i = 0; i < dx.numel(); ++i) d[i] = g[index(i)] * f;
  });
}

void amax_forward_cpu(const Tensor& x, const Shape& keep, const Tensor& y, const Tensor& argmax) {
  const BroadcastIndex index(keep, x.shape());
  int64_t* am = argmax.data<int64_t>();
  for (int64_t o = 0; o < argmax.numel(); ++o) am[o] = -1;
  dispatch_floating(x.dtype(), "amax", [&]<typename T>() {
    const T* a = x.data<T>();
    T* b = y.data<T>();
    for (int64_t i = 0; i < x.numel(); ++i) {
      const int64_t o = index(i);
      if (am[o] < 0 || a[i] > b[o]) {
        b[o] = a[i];
        am[o] = i;
      }
    }
  });
}

void amax_backward_cpu(const Tensor& dy, const Tensor& argmax, const Tensor& dx) {
  dx.zero();
  const int64_t* am = argmax.data<int64_t>();
  dispatch_floating(dy.dtype(), "amax backward", [&]<typename T>() {
    const T* g = dy.data<T>();
    T* d = dx.data<T>();
    for (int64_t o = 0; o < argmax.numel(); ++o) d[am[o]] += g[o];
  });
}

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

Tensor sum_or_mean(const char* op, const Tensor& x, const std::vector<int64_t>& dims, bool keepdim, bool average) {
  const ReducedShapes r = reduced_shapes(op, x.shape(), dims, keepdim);
  check_backend_dtypes(op, x.device(), {x});
  const double factor = average ? 1.0 / static_cast<double>(std::max<int64_t>(r.count, 1)) : 1.0;
  Tensor y = Tensor::empty(r.out, x.dtype(), x.device());
  GRAIN_DISPATCH(x.device(), op, sum_forward, x, r.keep, factor, y);
  record(op, {x}, y, [keep = r.keep, in_shape = x.shape(), factor](const Tensor& dy, const std::vector<bool>&) {
    Tensor dx = Tensor::empty(in_shape, dy.dtype(), dy.device());
    GRAIN_DISPATCH(dy.device(), "sum/mean backward", sum_backward, dy, keep, factor, dx);
    return std::vector<Tensor>{dx};
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
  check_backend_dtypes("amax", x.device(), {x});
  Tensor y = Tensor::empty(r.out, x.dtype(), x.device());
  Tensor argmax = Tensor::empty(r.out, DType::kInt64, x.device());
  GRAIN_DISPATCH(x.device(), "amax", amax_forward, x, r.keep, y, argmax);
  record("amax", {x}, y, [argmax, in_shape = x.shape()](const Tensor& dy, const std::vector<bool>&) {
    Tensor dx = Tensor::empty(in_shape, dy.dtype(), dy.device());
    GRAIN_DISPATCH(dy.device(), "amax backward", amax_backward, dy, argmax, dx);
    return std::vector<Tensor>{dx};
  });
  return y;
}

}  // namespace grain
