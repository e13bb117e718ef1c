// defines: grain::kernels::gemm over cblas
//
// Design: the engine splits large GEMMs across its OpenMP threads itself and
// keeps OpenBLAS single-threaded. The convolutions' GEMMs are tall and thin
// (rows = output positions, N = Cout of 8-64, or K = rows for the weight
// gradient), where OpenBLAS's own threading gained nothing and, with unbound
// OpenMP threads on the 2-core VM, made a tiny-preset training step slower
// with 2 threads than with 1 (docs/performance.md). Large products are cut
// along M or N in equal chunks of about 256 (each output element is still one
// BLAS dot product over K), or along K in fixed 4,096-deep chunks when the
// output is small and K long (partial products summed in chunk order). The
// cut depends on the sizes only, never on the thread count, and is made with
// one thread too, so results do not depend on the thread count either.
#include "kernels/cpu/gemm.h"

#include <cblas.h>
#include <omp.h>

#include <algorithm>
#include <vector>

extern "C" void openblas_set_num_threads(int);

namespace grain::kernels {

namespace {

constexpr double kParallelFlops = 2e6;   // below this a split costs more than it saves
constexpr int64_t kRowChunk = 256;       // M or N chunk granularity
constexpr int64_t kMinChunk = 64;        // M or N chunks are at least this
constexpr int64_t kDepthChunk = 4096;    // K chunk of the K split
constexpr int64_t kSmallOutput = 16384;  // M x N at most this: split K
constexpr int64_t kWave = 16;            // K chunks computed (and held) at a time

void blas(bool ta, bool tb, int64_t m, int64_t n, int64_t k, float alpha, const float* a, int64_t lda,
          const float* b, int64_t ldb, float beta, float* c, int64_t ldc) {
  cblas_sgemm(CblasRowMajor, ta ? CblasTrans : CblasNoTrans, tb ? CblasTrans : CblasNoTrans, m, n, k, alpha, a, lda,
              b, ldb, beta, c, ldc);
}

void blas(bool ta, bool tb, int64_t m, int64_t n, int64_t k, double alpha, const double* a, int64_t lda,
          const double* b, int64_t ldb, double beta, double* c, int64_t ldc) {
  cblas_dgemm(CblasRowMajor, ta ? CblasTrans : CblasNoTrans, tb ? CblasTrans : CblasNoTrans, m, n, k, alpha, a, lda,
              b, ldb, beta, c, ldc);
}

// OpenBLAS's OpenMP build: openblas_set_num_threads also sets the calling
// thread's OpenMP thread count, so that is put back. Once per process.
void keep_blas_single_threaded() {
  static const bool done = [] {
    const int threads = omp_get_max_threads();
    openblas_set_num_threads(1);
    omp_set_num_threads(threads);
    return true;
  }();
  (void)done;
}

// Outside a parallel region the OpenMP build of OpenBLAS takes its thread
// count from omp_get_max_threads() at every call (overriding the 1 set
// above), and its own split of the product then depends on the thread count:
// on AVX-512 kernels (AMD EPYC, OpenBLAS 0.3.21) a 1031 x 9 x 40 product
// differed in its last bits between 1 and 2 threads. So every call outside
// a parallel region runs with the OpenMP count at 1, put back after.
template <typename Call>
void single_threaded_blas(int threads, Call call) {
  if (threads <= 1) return call();
  omp_set_num_threads(1);
  call();
  omp_set_num_threads(threads);
}

template <typename T>
void gemm_impl(bool ta, bool tb, int64_t m, int64_t n, int64_t k, T alpha, const T* a, int64_t lda, const T* b,
               int64_t ldb, T beta, T* c, int64_t ldc) {
  if (m == 0 || n == 0) return;
  keep_blas_single_threaded();
  const int threads = omp_in_parallel() ? 1 : omp_get_max_threads();
  if (m * n <= kSmallOutput && k >= 2 * kDepthChunk) {
    // Small C, long K (a convolution's weight gradient): partial products
    // over fixed K chunks, added to C = beta C one by one in chunk order.
    // Taken with one thread too, so the order never depends on the threads;
    // at most kWave partials are held at a time, so memory does not grow
    // with K (the buffer is per thread and reused: this runs every step).
    const int64_t chunks = (k + kDepthChunk - 1) / kDepthChunk;
    thread_local std::vector<T> partial;
    if (partial.size() < static_cast<size_t>(kWave * m * n)) partial.resize(static_cast<size_t>(kWave * m * n));
    T* const buffer = partial.data();  // the caller's: inside the parallel loop `partial` would be each thread's own
    for (int64_t w0 = 0; w0 < chunks; w0 += kWave) {
      const int64_t w1 = std::min(chunks, w0 + kWave);
#pragma omp parallel for schedule(static) if (threads > 1)
      for (int64_t i = w0; i < w1; ++i) {
        const int64_t lo = i * kDepthChunk, len = std::min(kDepthChunk, k - lo);
        blas(ta, tb, m, n, len, alpha, ta ? a + lo * lda : a + lo, lda, tb ? b + lo : b + lo * ldb, ldb, T(0),
             buffer + (i - w0) * m * n, n);
      }
      for (int64_t r = 0; r < m; ++r) {
        T* row = c + r * ldc;
        for (int64_t j = 0; j < n; ++j) {
          // The first wave starts from beta C; with beta 0, C is not read (the BLAS rule).
          T sum = w0 > 0 ? row[j] : beta == T(0) ? T(0) : beta * row[j];
          for (int64_t i = w0; i < w1; ++i) sum += buffer[((i - w0) * m + r) * n + j];
          row[j] = sum;
        }
      }
    }
    return;
  }
  if (2.0 * m * n * k >= kParallelFlops && (m >= 2 * kRowChunk || n >= 2 * kRowChunk)) {
    // Rows of C (op(A) rows) or columns of C (op(B) columns), in chunks:
    // each element is the same BLAS dot product as without the split.
    const bool by_rows = m >= n;
    const int64_t extent = by_rows ? m : n;
    // Equal chunks of about kRowChunk, their count rounded up to a multiple of
    // 4 so that 2 or 4 threads get equal shares (7 chunks of 256 rows, 4 and
    // 3 per thread, kept the tiny preset's conv4 backward at 1.3x on 2 threads).
    const int64_t chunks = std::min(((extent + kRowChunk - 1) / kRowChunk + 3) & ~int64_t{3}, extent / kMinChunk);
#pragma omp parallel for schedule(static) if (threads > 1)
    for (int64_t i = 0; i < chunks; ++i) {
      const int64_t lo = extent * i / chunks, len = extent * (i + 1) / chunks - lo;
      if (by_rows) {
        blas(ta, tb, len, n, k, alpha, ta ? a + lo : a + lo * lda, lda, b, ldb, beta, c + lo * ldc, ldc);
      } else {
        blas(ta, tb, m, len, k, alpha, a, lda, tb ? b + lo * ldb : b + lo, ldb, beta, c + lo, ldc);
      }
    }
    return;
  }
  single_threaded_blas(threads, [&] { blas(ta, tb, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc); });
}

}  // namespace

void gemm(bool ta, bool tb, int64_t m, int64_t n, int64_t k, float alpha, const float* a, int64_t lda,
          const float* b, int64_t ldb, float beta, float* c, int64_t ldc) {
  gemm_impl(ta, tb, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
}

void gemm(bool ta, bool tb, int64_t m, int64_t n, int64_t k, double alpha, const double* a, int64_t lda,
          const double* b, int64_t ldb, double beta, double* c, int64_t ldc) {
  gemm_impl(ta, tb, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
}

}  // namespace grain::kernels
