// defines: matmul — matrix product through the BLAS (cuBLAS on CUDA)
#pragma once

#include "engine/tensor.h"

namespace grain {

// a [M, K], b [K, N] -> y [M, N], y = a b. da = dy b^T, db = a^T dy.
Tensor matmul(const Tensor& a, const Tensor& b);

}  // namespace grain
