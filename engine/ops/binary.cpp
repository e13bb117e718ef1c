// defines: add, sub, mul, binary_forward_cpu, negate_cpu (see binary.h)
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
constexpr const char* name_of(BinaryKind kind) {
  return kind == BinaryKind::kAdd ? "add" : kind == BinaryKind::kSub ? "sub" : "mul";
}
}  // namespace

void binary_forward_cpu(BinaryKind kind, const Tensor& a, const Tensor& b, const Tensor& y) {
  dispatch_floating(y.dtype(), name_of(kind), [&]<typename T>() {
    const T* ap = a.data<T>();
    const T* bp = b.data<T>();
    const BroadcastIndex ia(a.shape(), y.shape()), ib(b.shape(), y.shape());
    T* yp = y.data<T>();
    const int64_t n = y.numel();
#pragma omp parallel for if (n > 65536)
    for (int64_t i = 0; i < n; ++i) {
      const T x = ap[ia(i)], z = bp[ib(i)];
      yp[i] = kind == BinaryKind::kAdd ? x + z : kind == BinaryKind::kSub ? x - z : x * z;
    }
  });
}

void negate_cpu(const Tensor& x, const Tensor& y) {
  dispatch_floating(x.dtype(), "sub backward", [&]<typename T>() {
    const T* s = x.data<T>();
    T* d = y.data<T>();
    for (int64_t i = 0; i < y.numel(); ++i) d[i] = -s[i];
  });
}

namespace {

// dy * other, read through other's broadcast, at the output's shape.
Tensor times_broadcast(const Tensor& dy, const Tensor& other) {
  Tensor out = Tensor::empty(dy.shape(), dy.dtype(), dy.device());
  GRAIN_DISPATCH(dy.device(), "mul backward", binary_forward, BinaryKind::kMul, dy, other, out);
  return out;
}

Tensor negated(const Tensor& t) {
  Tensor out = Tensor::empty(t.shape(), t.dtype(), t.device());
  GRAIN_DISPATCH(t.device(), "sub backward", negate, t, out);
  return out;
}

Tensor binary(BinaryKind kind, const Tensor& a, const Tensor& b) {
  const char* op = name_of(kind);
  const Device device = common_device(op, {a, b});
  check_same_dtype(op, {a, b});
  check_backend_dtypes(op, device, {a, b});
  Tensor y = Tensor::empty(broadcast_shapes(op, a.shape(), b.shape()), a.dtype(), device);
  GRAIN_DISPATCH(device, op, binary_forward, kind, a, b, y);
  record(op, {a, b}, y, [a, b, kind](const Tensor& dy, const std::vector<bool>& need) {
    Tensor da, db;
    if (need[0]) da = sum_to_shape(kind == BinaryKind::kMul ? times_broadcast(dy, b) : dy, a.shape());
    if (need[1]) {
      if (kind == BinaryKind::kAdd) db = sum_to_shape(dy, b.shape());
      else if (kind == BinaryKind::kSub) db = negated(sum_to_shape(dy, b.shape()));
      else db = sum_to_shape(times_broadcast(dy, a), b.shape());
    }
    return std::vector<Tensor>{da, db};
  });
  return y;
}

}  // namespace

Tensor add(const Tensor& a, const Tensor& b) { return binary(BinaryKind::kAdd, a, b); }
Tensor sub(const Tensor& a, const Tensor& b) { return binary(BinaryKind::kSub, a, b); }
Tensor mul(const Tensor& a, const Tensor& b) { return binary(BinaryKind::kMul, a, b); }

}  // namespace grain
