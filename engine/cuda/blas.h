// defines: grain::cuda::gemm — row-major GEMM through cuBLAS
//
// The engine is row-major and cuBLAS column-major: a row-major matrix is its
// own transpose in column-major, so C = op(A) op(B) is computed as
// C^T = op(B)^T op(A)^T with the operands swapped, and nothing is copied.
// Same argument order as kernels::gemm (kernels/cpu/gemm.h).
#pragma once

#include <cstdint>

namespace grain::cuda {

// C [m, n] = alpha op(A) [m, k] op(B) [k, n] + beta C, row-major with leading
// dims lda, ldb, ldc; float32 on `device`'s stream. TF32 only when tf32().
void gemm(int device, bool trans_a, bool trans_b, int64_t m, int64_t n, int64_t k, float alpha, const float* a,
          int64_t lda, const float* b, int64_t ldb, float beta, float* c, int64_t ldc);

}  // namespace grain::cuda
