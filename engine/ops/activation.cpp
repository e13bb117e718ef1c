// defines: relu, tanh, sigmoid, activation_forward_cpu, activation_backward_cpu (see activation.h)
//
// The backward of each is written in terms of the saved output y, so the
// input need not be kept (relu: y > 0 iff x > 0).
#include "engine/ops/activation.h"

#include <algorithm>
#include <cmath>

#include "engine/autograd.h"
#include "engine/backend.h"

namespace grain {

namespace {

constexpr const char* name_of(Activation a) {
  return a == Activation::kRelu ? "relu" : a == Activation::kTanh ? "tanh" : "sigmoid";
}

// The activation kind is a template argument, so each loop below is a plain
// loop of one expression that the compiler vectorises (ReLU: a max; its
// derivative: a compare and a multiply), with no per-element switch or branch.
template <Activation A, typename T>
T activate(T x) {
  if constexpr (A == Activation::kRelu) return x > T(0) ? x : T(0);
  else if constexpr (A == Activation::kTanh) return std::tanh(x);
  else return T(1) / (T(1) + std::exp(-x));
}

// d activation / dx expressed through y. ReLU's multiply by 0 or 1 is kept
// (not a select of dy or 0): the signs of zeros and NaNs stay as they were.
template <Activation A, typename T>
T derivative(T y) {
  if constexpr (A == Activation::kRelu) return y > T(0) ? T(1) : T(0);
  else if constexpr (A == Activation::kTanh) return T(1) - y * y;
  else return y * (T(1) - y);
}

// Elementwise loops run over fixed chunks of kChunk elements, in parallel
// when there are more than two chunks. Each element's result depends on that
// element alone, so any split gives the same bits.
constexpr int64_t kChunk = 16384;

template <typename Body>
void for_chunks(int64_t n, Body body) {
  const int64_t chunks = (n + kChunk - 1) / kChunk;
#pragma omp parallel for schedule(static) if (chunks > 2)
  for (int64_t k = 0; k < chunks; ++k) body(k * kChunk, std::min(n, (k + 1) * kChunk));
}

template <Activation A, typename T>
void forward_cpu(const T* __restrict x, T* __restrict y, int64_t n) {
  for_chunks(n, [=](int64_t begin, int64_t end) {
    for (int64_t i = begin; i < end; ++i) y[i] = activate<A>(x[i]);
  });
}

template <Activation A, typename T>
void backward_cpu(const T* __restrict dy, const T* __restrict y, T* __restrict dx, int64_t n) {
  for_chunks(n, [=](int64_t begin, int64_t end) {
    for (int64_t i = begin; i < end; ++i) {
      // Named first: GCC 12 vectorises this form, and leaves dy * (y > 0 ? 1 : 0) written
      // in one expression as a branch per element.
      const T slope = derivative<A>(y[i]);
      dx[i] = dy[i] * slope;
    }
  });
}

// Calls fn.template operator()<A>() with the kind as a template argument.
template <typename Fn>
void dispatch_activation(Activation kind, Fn&& fn) {
  switch (kind) {
    case Activation::kRelu: return fn.template operator()<Activation::kRelu>();
    case Activation::kTanh: return fn.template operator()<Activation::kTanh>();
    case Activation::kSigmoid: return fn.template operator()<Activation::kSigmoid>();
  }
}

}  // namespace

void activation_forward_cpu(Activation kind, const Tensor& x, const Tensor& y) {
  dispatch_activation(kind, [&]<Activation A>() {
    dispatch_floating(x.dtype(), name_of(A),
                      [&]<typename T>() { forward_cpu<A>(x.data<T>(), y.data<T>(), x.numel()); });
  });
}

void activation_backward_cpu(Activation kind, const Tensor& y, const Tensor& dy, const Tensor& dx) {
  dispatch_activation(kind, [&]<Activation A>() {
    dispatch_floating(dy.dtype(), name_of(A), [&]<typename T>() {
      backward_cpu<A>(dy.data<T>(), y.data<T>(), dx.data<T>(), dy.numel());
    });
  });
}

namespace {
Tensor activation(Activation kind, const Tensor& x) {
  const char* op = name_of(kind);
  check_backend_dtypes(op, x.device(), {x});
  Tensor y = Tensor::empty(x.shape(), x.dtype(), x.device());
  GRAIN_DISPATCH(x.device(), op, activation_forward, kind, x, y);
  record(op, {x}, y, [kind, op, y_saved = y.detach()](const Tensor& dy, const std::vector<bool>&) {
    Tensor dx = Tensor::empty(dy.shape(), dy.dtype(), dy.device());
    GRAIN_DISPATCH(dy.device(), op, activation_backward, kind, y_saved, dy, dx);
    return std::vector<Tensor>{dx};
  });
  return y;
}
}  // namespace

Tensor relu(const Tensor& x) { return activation(Activation::kRelu, x); }
Tensor tanh(const Tensor& x) { return activation(Activation::kTanh, x); }
Tensor sigmoid(const Tensor& x) { return activation(Activation::kSigmoid, x); }

}  // namespace grain
