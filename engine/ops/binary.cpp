// defines: add, sub, mul (see binary.h)
//
// One loop shape for the three ops: the output index walks the broadcast
// shape, each input reads through its BroadcastIndex (the identity when
// shapes agree, which is the fast common case).
#include "engine/ops/binary.h"

#include "engine/autograd.h"
#include "engine/backend.h"
#include "engine/error.h"
#include "engine/ops/broadcast.h"

namespace grain {

namespace {

enum class BinaryKind { kAdd, kSub, kMul };

template <typename T>
void binary_forward_cpu(BinaryKind kind, const T* a, const BroadcastIndex& ia, const T* b,
                        const BroadcastIndex& ib, T* y, int64_t n) {
#pragma omp parallel for if (n > 65536)
  for (int64_t i = 0; i < n; ++i) {
    const T x = a[ia(i)], z = b[ib(i)];
    y[i] = kind == BinaryKind::kAdd ? x + z : kind == BinaryKind::kSub ? x - z : x * z;
  }
}

// dy * other, read through other's broadcast, at the output's shape.
Tensor times_broadcast(const Tensor& dy, const Tensor& other) {
  Tensor out = Tensor::empty(dy.shape(), dy.dtype(), dy.device());
  const BroadcastIndex io(other.shape(), dy.shape());
  dispatch_floating(dy.dtype(), "mul backward", [&]<typename T>() {
    const T* g = dy.data<T>();
    const T* o = other.data<T>();
    T* d = out.data<T>();
    const int64_t n = dy.numel();
#pragma omp parallel for if (n > 65536)
    for (int64_t i = 0; i < n; ++i) d[i] = g[i] * o[io(i)];
  });
  return out;
}

Tensor negate(const Tensor& t) {
  Tensor out = t.clone();
  dispatch_floating(t.dtype(), "sub backward", [&]<typename T>() {
    T* d = out.data<T>();
    for (int64_t i = 0; i < out.numel(); ++i) d[i] = -d[i];
  });
  return out;
}

Tensor binary(const char* op, BinaryKind kind, const Tensor& a, const Tensor& b) {
  const Device device = common_device(op, {a, b});
  check_same_dtype(op, {a, b});
  const Shape shape = broadcast_shapes(op, a.shape(), b.shape());
  Tensor y = Tensor::empty(shape, a.dtype(), device);
  GRAIN_CUDA_DISPATCH(device, op, binary_cuda(op, a, b));
  dispatch_floating(a.dtype(), op, [&]<typename T>() {
    binary_forward_cpu<T>(kind, a.data<T>(), BroadcastIndex(a.shape(), shape), b.data<T>(),
                          BroadcastIndex(b.shape(), shape), y.data<T>(), y.numel());
  });
  record(op, {a, b}, y, [a, b, kind](const Tensor& dy, const std::vector<bool>& need) {
    Tensor da, db;
    if (need[0]) da = sum_to_shape(kind == BinaryKind::kMul ? times_broadcast(dy, b) : dy, a.shape());
    if (need[1]) {
      if (kind == BinaryKind::kAdd) db = sum_to_shape(dy, b.shape());
      else if (kind == BinaryKind::kSub) db = negate(sum_to_shape(dy, b.shape()));
      else db = sum_to_shape(times_broadcast(dy, a), b.shape());
    }
    return std::vector<Tensor>{da, db};
  });
  return y;
}

}  // namespace

Tensor add(const Tensor& a, const Tensor& b) { return binary("add", BinaryKind::kAdd, a, b); }
Tensor sub(const Tensor& a, const Tensor& b) { return binary("sub", BinaryKind::kSub, a, b); }
Tensor mul(const Tensor& a, const Tensor& b) { return binary("mul", BinaryKind::kMul, a, b); }

}  // namespace grain
