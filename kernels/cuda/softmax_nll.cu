// defines: fused softmax + NLL and log_softmax kernels (see softmax_nll.h)
#include "kernels/cuda/softmax_nll.h"

#include <cfloat>

#include "kernels/cuda/common.cuh"

namespace grain::kernels::cuda {

namespace {

// Max-shifted log-sum-exp of one row, computed by the whole block.
__device__ float row_lse(const float* x, int64_t k, float* shared) {
  float m = -FLT_MAX;
  for (int64_t i = threadIdx.x; i < k; i += blockDim.x) m = fmaxf(m, x[i]);
  m = block_max(m, shared);
  float total = 0.f;
  for (int64_t i = threadIdx.x; i < k; i += blockDim.x) total += expf(x[i] - m);
  total = block_sum(total, shared);
  return m + logf(total);
}

__global__ void nll_rows_kernel(const float* logits, const int64_t* targets, const float* mask, int64_t rows,
                                int64_t vocab, float* lse, float* row_loss) {
  __shared__ float shared[kBlock / 32];
  for (int64_t r = blockIdx.x; r < rows; r += gridDim.x) {
    const float w = mask ? mask[r] : 1.f;
    const float* x = logits + r * vocab;
    // Padding rows are still given their lse (cheap) so the backward never
    // reads an unwritten value; their loss contribution is exactly 0.
    const float l = row_lse(x, vocab, shared);
    if (threadIdx.x == 0) {
      lse[r] = l;
      row_loss[r] = w == 0.f ? 0.f : w * (l - x[targets[r]]);
    }
  }
}

__global__ void sum_rows_kernel(const float* row_loss, int64_t rows, float inv_batch, float* loss) {
  __shared__ double shared[kBlock / 32];
  double total = 0;
  for (int64_t i = threadIdx.x; i < rows; i += blockDim.x) total += row_loss[i];
  total = block_sum(total, shared);
  if (threadIdx.x == 0) loss[0] = static_cast<float>(total * inv_batch);
}

__global__ void nll_backward_kernel(const float* logits, const int64_t* targets, const float* mask, const float* lse,
                                    const float* dloss, int64_t rows, int64_t vocab, float inv_batch, float* dlogits) {
  const int64_t n = rows * vocab;
  const float g = dloss[0] * inv_batch;
  GRAIN_GRID_STRIDE(i, n) {
    const int64_t r = i / vocab, v = i % vocab;
    const float w = g * (mask ? mask[r] : 1.f);
    dlogits[i] = w == 0.f ? 0.f : w * (expf(logits[i] - lse[r]) - (v == targets[r] ? 1.f : 0.f));
  }
}

__global__ void log_softmax_kernel(const float* x, float* y, int64_t rows, int64_t k) {
  __shared__ float shared[kBlock / 32];
  for (int64_t r = blockIdx.x; r < rows; r += gridDim.x) {
    const float l = row_lse(x + r * k, k, shared);
    for (int64_t i = threadIdx.x; i < k; i += blockDim.x) y[r * k + i] = x[r * k + i] - l;
  }
}

__global__ void log_softmax_backward_kernel(const float* y, const float* dy, float* dx, int64_t rows, int64_t k) {
  __shared__ float shared[kBlock / 32];
  for (int64_t r = blockIdx.x; r < rows; r += gridDim.x) {
    float total = 0.f;
    for (int64_t i = threadIdx.x; i < k; i += blockDim.x) total += dy[r * k + i];
    total = block_sum(total, shared);
    for (int64_t i = threadIdx.x; i < k; i += blockDim.x) dx[r * k + i] = dy[r * k + i] - expf(y[r * k + i]) * total;
  }
}

unsigned row_grid(int64_t rows) { return static_cast<unsigned>(rows < 1 ? 1 : rows < 65535 * 8 ? rows : 65535 * 8); }

}  // namespace

void softmax_nll_forward(const float* logits, const int64_t* targets, const float* mask, int64_t rows, int64_t vocab,
                         int64_t batch, float* lse, float* row_loss, float* loss, cudaStream_t stream) {
  if (rows > 0) {
    nll_rows_kernel<<<row_grid(rows), kBlock, 0, stream>>>(logits, targets, mask, rows, vocab, lse, row_loss);
    GRAIN_KERNEL_CHECK("softmax_nll_forward rows");
  }
  sum_rows_kernel<<<1, kBlock, 0, stream>>>(row_loss, rows, 1.f / static_cast<float>(batch < 1 ? 1 : batch), loss);
  GRAIN_KERNEL_CHECK("softmax_nll_forward sum");
}

void softmax_nll_backward(const float* logits, const int64_t* targets, const float* mask, const float* lse,
                          const float* dloss, int64_t rows, int64_t vocab, int64_t batch, float* dlogits,
                          cudaStream_t stream) {
  if (rows * vocab == 0) return;
  nll_backward_kernel<<<grid_for(rows * vocab), kBlock, 0, stream>>>(
      logits, targets, mask, lse, dloss, rows, vocab, 1.f / static_cast<float>(batch < 1 ? 1 : batch), dlogits);
  GRAIN_KERNEL_CHECK("softmax_nll_backward");
}

void log_softmax_forward(const float* x, float* y, int64_t rows, int64_t k, cudaStream_t stream) {
  if (rows == 0) return;
  log_softmax_kernel<<<row_grid(rows), kBlock, 0, stream>>>(x, y, rows, k);
  GRAIN_KERNEL_CHECK("log_softmax_forward");
}

void log_softmax_backward(const float* y, const float* dy, float* dx, int64_t rows, int64_t k, cudaStream_t stream) {
  if (rows == 0) return;
  log_softmax_backward_kernel<<<row_grid(rows), kBlock, 0, stream>>>(y, dy, dx, rows, k);
  GRAIN_KERNEL_CHECK("log_softmax_backward");
}

}  // namespace grain::kernels::cuda
