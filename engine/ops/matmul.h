// defines: matmul — matrix product through the BLAS (cuBLAS on CUDA)
#pragma once

#include "engine/tensor.h"

namespace grain {

// a [M, K], b [K, N] -> y [M, N], y = a b. da = dy b^T, db = a^T dy.
Tensor matmul(const Tensor& a, const Tensor& b);

// ---- Backends (engine/backend.h): matmul.cpp records, GRAIN_DISPATCH calls
// the _cpu half (matmul.cpp) or the _cuda half (matmul.cu, CUDA builds only).

// y [M, N] = a b.
void matmul_forward_cpu(const Tensor& a, const Tensor& b, const Tensor& y);
void matmul_forward_cuda(const Tensor& a, const Tensor& b, const Tensor& y);
// da = dy b^T, db = a^T dy, each where defined (allocated at its input's shape).
void matmul_backward_cpu(const Tensor& a, const Tensor& b, const Tensor& dy, const Tensor& da, const Tensor& db);
void matmul_backward_cuda(const Tensor& a, const Tensor& b, const Tensor& dy, const Tensor& da, const Tensor& db);

}  // namespace grain
