// defines: add, sub, mul — elementwise with numpy broadcasting
#pragma once

#include "engine/tensor.h"

namespace grain {

// y = a + b, shape broadcast(a, b). da = sum over broadcast dims of dy.
Tensor add(const Tensor& a, const Tensor& b);
// y = a - b. da = dy, db = -dy (summed over broadcast dims).
Tensor sub(const Tensor& a, const Tensor& b);
// y = a * b. da = dy * b, db = dy * a (summed over broadcast dims).
Tensor mul(const Tensor& a, const Tensor& b);

// ---- Backends (engine/backend.h): binary.cpp records one gradient rule for
// the three ops, GRAIN_DISPATCH calls the _cpu half (binary.cpp) or the _cuda
// half (binary.cu, CUDA builds only).

enum class BinaryKind { kAdd, kSub, kMul };

// y = a op b, each input read through its broadcast to y's shape (y
// allocated at the broadcast shape). With kMul and a at y's shape it is also
// mul's backward (dy * the other input).
void binary_forward_cpu(BinaryKind kind, const Tensor& a, const Tensor& b, const Tensor& y);
void binary_forward_cuda(BinaryKind kind, const Tensor& a, const Tensor& b, const Tensor& y);
// y = -x (sub's gradient of b; y allocated like x).
void negate_cpu(const Tensor& x, const Tensor& y);
void negate_cuda(const Tensor& x, const Tensor& y);

}  // namespace grain
