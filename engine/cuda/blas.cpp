// defines: grain::cuda::gemm (see blas.h)
#include "engine/cuda/blas.h"

#include <climits>

#include "engine/cuda/check.h"
#include "engine/cuda/context.h"
#include "engine/error.h"

namespace grain::cuda {

void gemm(int device, bool trans_a, bool trans_b, int64_t m, int64_t n, int64_t k, float alpha, const float* a,
          int64_t lda, const float* b, int64_t ldb, float beta, float* c, int64_t ldc) {
  if (m == 0 || n == 0) return;
  for (int64_t v : {m, n, k, lda, ldb, ldc})
    GRAIN_CHECK(v <= INT_MAX, "gemm: dimension " << v << " exceeds cuBLAS's 32-bit sizes");
  cublasHandle_t handle = context(device).cublas();
  GRAIN_CUBLAS_CHECK(cublasSgemm(handle, trans_b ? CUBLAS_OP_T : CUBLAS_OP_N, trans_a ? CUBLAS_OP_T : CUBLAS_OP_N,
                                 static_cast<int>(n), static_cast<int>(m), static_cast<int>(k), &alpha, b,
                                 static_cast<int>(ldb), a, static_cast<int>(lda), &beta, c, static_cast<int>(ldc)));
}

}  // namespace grain::cuda
