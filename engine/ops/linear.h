// defines: linear — a fully connected layer's op, PyTorch's weight layout
#pragma once

#include "engine/tensor.h"

namespace grain {

// x [..., in], w [out, in], b [out] (optional: pass an undefined Tensor)
// -> y [..., out], y = x w^T + b.
// dx = dy w, dw = dy^T x (over all leading dims), db = sum of dy over leading dims.
Tensor linear(const Tensor& x, const Tensor& w, const Tensor& b = Tensor());

// ---- CUDA backend: defined in linear.cu, compiled only with the CUDA backend;
// linear.cpp reaches it through GRAIN_CUDA_DISPATCH (engine/backend.h).

// y = x w^T + b through cuBLAS; records its backward.
Tensor linear_cuda(const Tensor& x, const Tensor& w, const Tensor& b);

}  // namespace grain
