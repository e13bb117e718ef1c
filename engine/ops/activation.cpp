// defines: relu, tanh, sigmoid (see activation.h)
//
// The backward of each is written in terms of the saved output y, so the
// input need not be kept (relu: y > 0 iff x > 0).
#include "engine/ops/activation.h"

#include <cmath>

#include "engine/autograd.h"
#include "engine/backend.h"

namespace grain {

namespace {

enum class Activation { kRelu, kTanh, kSigmoid };

const char* name_of(Activation a) {
  return a == Activation::kRelu ? "relu" : a == Activation::kTanh ? "tanh" : "sigmoid";
}

template <typename T>
T activate(Activation a, T x) {
  switch (a) {
    case Activation::kRelu: return x > T(0) ? x : T(0);
    case Activation::kTanh: return std::tanh(x);
    case Activation::kSigmoid: return T(1) / (T(1) + std::exp(-x));
  }
  return x;
}

// d activation / dx expressed through y.
template <typename T>
T derivative(Activation a, T y) {
  switch (a) {
    case Activation::kRelu: return y > T(0) ? T(1) : T(0);
    case Activation::kTanh: return T(1) - y * y;
    case Activation::kSigmoid: return y * (T(1) - y);
  }
  return T(0);
}

Tensor activation(Activation kind, const Tensor& x) {
  const char* op = name_of(kind);
  GRAIN_CUDA_DISPATCH(x.device(), op, activation_cuda(op, x));
  Tensor y = Tensor::empty(x.shape(), x.dtype(), x.device());
  dispatch_floating(x.dtype(), op, [&]<typename T>() {
    const T* a = x.data<T>();
    T* b = y.data<T>();
    const int64_t n = x.numel();
#pragma omp parallel for if (n > 32768)
    for (int64_t i = 0; i < n; ++i) b[i] = activate(kind, a[i]);
  });
  record(op, {x}, y, [kind, y_saved = y.detach()](const Tensor& dy, const std::vector<bool>&) {
    Tensor dx = Tensor::empty(dy.shape(), dy.dtype(), dy.device());
    dispatch_floating(dy.dtype(), name_of(kind), [&]<typename T>() {
      const T* g = dy.data<T>();
      const T* yv = y_saved.data<T>();
      T* d = dx.data<T>();
      const int64_t n = dy.numel();
#pragma omp parallel for if (n > 32768)
      for (int64_t i = 0; i < n; ++i) d[i] = g[i] * derivative(kind, yv[i]);
    });
    return std::vector<Tensor>{dx};
  });
  return y;
}

}  // namespace

Tensor relu(const Tensor& x) { return activation(Activation::kRelu, x); }
Tensor tanh(const Tensor& x) { return activation(Activation::kTanh, x); }
Tensor sigmoid(const Tensor& x) { return activation(Activation::kSigmoid, x); }

}  // namespace grain
