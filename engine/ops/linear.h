// defines: linear — a fully connected layer's op, PyTorch's weight layout
#pragma once

#include "engine/tensor.h"

namespace grain {

// x [..., in], w [out, in], b [out] (optional: pass an undefined Tensor)
// -> y [..., out], y = x w^T + b.
// dx = dy w, dw = dy^T x (over all leading dims), db = sum of dy over leading dims.
Tensor linear(const Tensor& x, const Tensor& w, const Tensor& b = Tensor());

// ---- Backends (engine/backend.h): linear.cpp records, GRAIN_DISPATCH calls
// the _cpu half (linear.cpp) or the _cuda half (linear.cu, CUDA builds only).
// The leading dims of x are one GEMM row dimension of rows = x.numel() / in.

// y [..., out] = x w^T (+ b where defined).
void linear_forward_cpu(const Tensor& x, const Tensor& w, const Tensor& b, const Tensor& y);
void linear_forward_cuda(const Tensor& x, const Tensor& w, const Tensor& b, const Tensor& y);
// dx = dy w, dw = dy^T x, db = the sum of dy's rows, each where defined
// (allocated at its input's shape).
void linear_backward_cpu(const Tensor& x, const Tensor& w, const Tensor& dy, const Tensor& dx, const Tensor& dw,
                         const Tensor& db);
void linear_backward_cuda(const Tensor& x, const Tensor& w, const Tensor& dy, const Tensor& dx, const Tensor& dw,
                          const Tensor& db);

}  // namespace grain
