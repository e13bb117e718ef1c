// defines: reductions (see reduce.h)
#include "kernels/cuda/reduce.h"

#include <cfloat>

#include "kernels/cuda/column_reduce.cuh"
#include "kernels/cuda/common.cuh"

namespace grain::kernels::cuda {

namespace {

__global__ void reduce_sum_kernel(const float* x, ReduceGeometry g, float* y, float factor) {
  __shared__ double shared[kBlock / 32];
  for (int64_t o = blockIdx.x; o < g.outputs; o += gridDim.x) {
    const int64_t base = strided_offset(g.kept, o);
    double total = 0;  // double: sums of millions of floats stay close to the CPU's
    for (int64_t j = threadIdx.x; j < g.count; j += blockDim.x) total += x[base + strided_offset(g.reduced, j)];
    total = block_sum(total, shared);
    if (threadIdx.x == 0) y[o] = static_cast<float>(total * factor);
  }
}

__global__ void reduce_max_kernel(const float* x, ReduceGeometry g, float* y, int64_t* argmax) {
  __shared__ float best_value[kBlock];
  __shared__ int64_t best_index[kBlock];
  for (int64_t o = blockIdx.x; o < g.outputs; o += gridDim.x) {
    const int64_t base = strided_offset(g.kept, o);
    float value = -FLT_MAX;
    int64_t index = -1;
    for (int64_t j = threadIdx.x; j < g.count; j += blockDim.x) {
      const int64_t at = base + strided_offset(g.reduced, j);
      const float v = x[at];
      if (index < 0 || v > value || (v == value && at < index)) {
        value = v;
        index = at;
      }
    }
    __syncthreads();
    best_value[threadIdx.x] = value;
    best_index[threadIdx.x] = index;
    __syncthreads();
    for (int stride = blockDim.x / 2; stride > 0; stride >>= 1) {
      if (threadIdx.x < stride) {
        const float v = best_value[threadIdx.x + stride];
        const int64_t at = best_index[threadIdx.x + stride];
        const int64_t mine = best_index[threadIdx.x];
        if (at >= 0 && (mine < 0 || v > best_value[threadIdx.x] || (v == best_value[threadIdx.x] && at < mine))) {
          best_value[threadIdx.x] = v;
          best_index[threadIdx.x] = at;
        }
      }
      __syncthreads();
    }
    if (threadIdx.x == 0) {
      y[o] = best_value[0];
      argmax[o] = best_index[0];
    }
  }
}

__global__ void scatter_add_kernel(const float* dy, const int64_t* index, int64_t n, float* dx) {
  GRAIN_GRID_STRIDE(i, n) dx[index[i]] += dy[i];
}

__global__ void scatter_add_serial_kernel(const float* dy, const int64_t* index, int64_t n, float* dx) {
  if (blockIdx.x == 0 && threadIdx.x == 0)
    for (int64_t i = 0; i < n; ++i) dx[index[i]] += dy[i];
}

constexpr int64_t kNormBlocks = 1024;

__global__ void square_partials_kernel(const float* x, int64_t n, float* partials) {
  __shared__ double shared[kBlock / 32];
  double total = 0;
  GRAIN_GRID_STRIDE(i, n) total += static_cast<double>(x[i]) * x[i];
  total = block_sum(total, shared);
  if (threadIdx.x == 0) partials[blockIdx.x] = static_cast<float>(total);
}

__global__ void finish_norm_kernel(const float* partials, int64_t count, float* out) {
  __shared__ double shared[kBlock / 32];
  double total = 0;
  for (int64_t i = threadIdx.x; i < count; i += blockDim.x) total += partials[i];
  total = block_sum(total, shared);
  if (threadIdx.x == 0) out[0] = static_cast<float>(sqrt(total));
}

struct ColumnStore {
  float* y;
  float factor;
  __device__ void operator()(int64_t c, const double* total) const { y[c] = static_cast<float>(total[0] * factor); }
};

unsigned reduce_grid(int64_t outputs) {
  return static_cast<unsigned>(outputs < 65535 * 8 ? (outputs < 1 ? 1 : outputs) : 65535 * 8);
}

}  // namespace

void reduce_sum(const float* x, const ReduceGeometry& g, float* y, float factor, cudaStream_t stream) {
  if (g.outputs == 0) return;
  reduce_sum_kernel<<<reduce_grid(g.outputs), kBlock, 0, stream>>>(x, g, y, factor);
  GRAIN_KERNEL_CHECK("reduce_sum");
}

int64_t column_sum_scratch(int64_t rows, int64_t cols) { return column_chunks(rows) * cols; }

void column_sum(const float* x, int64_t rows, int64_t cols, float* y, float factor, double* scratch,
                cudaStream_t stream) {
  column_reduce<1>(ColumnValues{x, cols}, ColumnStore{y, factor}, rows, cols, scratch, stream);
  GRAIN_KERNEL_CHECK("column_sum");
}

void reduce_max(const float* x, const ReduceGeometry& g, float* y, int64_t* argmax, cudaStream_t stream) {
  if (g.outputs == 0) return;
  reduce_max_kernel<<<reduce_grid(g.outputs), kBlock, 0, stream>>>(x, g, y, argmax);
  GRAIN_KERNEL_CHECK("reduce_max");
}

void scatter_add(const float* dy, const int64_t* index, int64_t n, float* dx, bool overlapping, cudaStream_t stream) {
  if (n == 0) return;
  if (overlapping) scatter_add_serial_kernel<<<1, 32, 0, stream>>>(dy, index, n, dx);
  else scatter_add_kernel<<<grid_for(n), kBlock, 0, stream>>>(dy, index, n, dx);
  GRAIN_KERNEL_CHECK("scatter_add");
}

int64_t partials_size(int64_t n) { return kNormBlocks; }

void l2_norm(const float* x, int64_t n, float* partials, float* out, cudaStream_t stream) {
  // A fixed grid (not one sized by n) keeps the summation order, and so the
  // rounding, the same for a given n on every run.
  square_partials_kernel<<<kNormBlocks, kBlock, 0, stream>>>(x, n, partials);
  GRAIN_KERNEL_CHECK("l2_norm partials");
  finish_norm_kernel<<<1, kBlock, 0, stream>>>(partials, kNormBlocks, out);
  GRAIN_KERNEL_CHECK("l2_norm finish");
}

}  // namespace grain::kernels::cuda
