// defines: column_reduce, ColumnValues — deterministic, coalesced per-column
// sums over the rows of a row-major [M, C] matrix (bias gradients, batch-norm
// statistics).
// Device code; include from .cu files.
//
// Pass 1: the rows are cut into at most kColumnChunks chunks; a block of
// 32 x 8 threads owns one chunk and 32 columns, so each warp reads 32
// consecutive floats of one row (one 128-byte line) and the block sums its
// chunk in double into partials[chunk, c]. Pass 2: one thread per column
// adds the chunks' partials in chunk order. The chunking depends only on M,
// so every run sums in the same order: bitwise reproducible.
#pragma once

#include <cuda_runtime.h>

#include <cstdint>

namespace grain::kernels::cuda {

constexpr int kColumnChunks = 512;

inline int64_t column_chunks(int64_t rows) {
  const int64_t per = 64;  // rows per chunk, at least
  int64_t chunks = (rows + per - 1) / per;
  return chunks < 1 ? 1 : chunks > kColumnChunks ? kColumnChunks : chunks;
}

// Op has `__device__ void operator()(int64_t r, int64_t c, double out[K]) const`
// adding its K values of element (r, c) to out.
template <int K, typename Op>
__global__ void column_partials_kernel(Op op, int64_t rows, int64_t cols, int64_t chunks, double* partials) {
  __shared__ double shared[K][8][32];
  const int64_t chunk = blockIdx.x;
  const int64_t c = static_cast<int64_t>(blockIdx.y) * 32 + threadIdx.x;
  const int64_t per = (rows + chunks - 1) / chunks;
  const int64_t begin = chunk * per, end = begin + per < rows ? begin + per : rows;
  double acc[K];
  for (int k = 0; k < K; ++k) acc[k] = 0;
  if (c < cols)
    for (int64_t r = begin + threadIdx.y; r < end; r += 8) op(r, c, acc);
  for (int k = 0; k < K; ++k) shared[k][threadIdx.y][threadIdx.x] = acc[k];
  __syncthreads();
  if (threadIdx.y == 0 && c < cols)
    for (int k = 0; k < K; ++k) {
      double total = 0;
      for (int y = 0; y < 8; ++y) total += shared[k][y][threadIdx.x];
      partials[(k * chunks + chunk) * cols + c] = total;
    }
}

// The plain Op: the values of a row-major float [rows, cols] matrix x
// (column sums: bias gradients, batch-norm means).
struct ColumnValues {
  const float* x;
  int64_t cols;
  __device__ void operator()(int64_t r, int64_t c, double* out) const { out[0] += x[r * cols + c]; }
};

// Finish has `__device__ void operator()(int64_t c, const double total[K]) const`.
template <int K, typename Finish>
__global__ void column_finish_kernel(Finish finish, int64_t cols, int64_t chunks, const double* partials) {
  for (int64_t c = blockIdx.x * static_cast<int64_t>(blockDim.x) + threadIdx.x; c < cols;
       c += static_cast<int64_t>(blockDim.x) * gridDim.x) {
    double total[K];
    for (int k = 0; k < K; ++k) {
      total[k] = 0;
      for (int64_t i = 0; i < chunks; ++i) total[k] += partials[(k * chunks + i) * cols + c];
    }
    finish(c, total);
  }
}

// Runs both passes; `partials` holds K * column_chunks(rows) * cols doubles.
template <int K, typename Op, typename Finish>
void column_reduce(Op op, Finish finish, int64_t rows, int64_t cols, double* partials, cudaStream_t stream) {
  if (cols == 0) return;
  const int64_t chunks = column_chunks(rows);
  const dim3 grid(static_cast<unsigned>(chunks), static_cast<unsigned>((cols + 31) / 32));
  column_partials_kernel<K><<<grid, dim3(32, 8), 0, stream>>>(op, rows, cols, chunks, partials);
  column_finish_kernel<K><<<static_cast<unsigned>((cols + 255) / 256 < 4096 ? (cols + 255) / 256 : 4096), 256, 0,
                            stream>>>(finish, cols, chunks, partials);
}

}  // namespace grain::kernels::cuda
