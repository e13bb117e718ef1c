// defines: matmul — matrix product through the BLAS (cuBLAS on CUDA)
#pragma once

#include "engine/tensor.h"

namespace grain {

// a [M, K], b [K, N] -> y [M, N], y = a b. da = dy b^T, db = a^T dy.
Tensor matmul(const Tensor& a, const Tensor& b);

// ---- CUDA backend: defined in matmul.cu, compiled only with the CUDA backend;
// matmul.cpp reaches it through GRAIN_CUDA_DISPATCH (engine/backend.h).

// y = a b through cuBLAS; records its backward.
Tensor matmul_cuda(const Tensor& a, const Tensor& b);

}  // namespace grain
