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

// ---- CUDA backend: defined in binary.cu, compiled only with the CUDA backend;
// binary.cpp reaches it through GRAIN_CUDA_DISPATCH (engine/backend.h).

// y = a op b with broadcasting, op "add", "sub" or "mul"; records its backward.
Tensor binary_cuda(const char* op, const Tensor& a, const Tensor& b);

}  // namespace grain
