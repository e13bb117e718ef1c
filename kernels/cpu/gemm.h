// defines: grain::kernels::gemm — row-major C = alpha op(A) op(B) + beta C
// through the CPU BLAS (OpenBLAS), float and double.
#pragma once

#include <cstdint>

namespace grain::kernels {

// op(A) is M x K, op(B) is K x N, C is M x N; lda/ldb/ldc are row strides.
void gemm(bool transpose_a, bool transpose_b, int64_t m, int64_t n, int64_t k, float alpha, const float* a,
          int64_t lda, const float* b, int64_t ldb, float beta, float* c, int64_t ldc);
void gemm(bool transpose_a, bool transpose_b, int64_t m, int64_t n, int64_t k, double alpha, const double* a,
          int64_t lda, const double* b, int64_t ldb, double beta, double* c, int64_t ldc);

}  // namespace grain::kernels
