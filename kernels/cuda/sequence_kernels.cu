// defines: time_average, embedding, dropout kernels (see sequence_kernels.h)
#include "kernels/cuda/sequence_kernels.h"

#include "kernels/counter_rng.h"
#include "kernels/cuda/common.cuh"

namespace grain::kernels::cuda {

namespace {

// One thread per (n, c): consecutive threads read consecutive channels (coalesced).
__global__ void time_average_kernel(const float* x, int64_t n, int64_t t, int64_t c, float* h) {
  GRAIN_GRID_STRIDE(i, n * c) {
    const int64_t b = i / c, ch = i % c;
    float total = 0.f;
    for (int64_t s = 0; s < t; ++s) total += x[(b * t + s) * c + ch];
    h[i] = total / static_cast<float>(t);
  }
}

__global__ void time_average_backward_kernel(const float* dh, int64_t n, int64_t t, int64_t c, float* dx) {
  GRAIN_GRID_STRIDE(i, n * t * c) {
    const int64_t ch = i % c, b = i / (t * c);
    dx[i] = dh[b * c + ch] / static_cast<float>(t);
  }
}

__global__ void embedding_forward_kernel(const int64_t* ids, int64_t count, const float* weight, int64_t width,
                                         float* y) {
  GRAIN_GRID_STRIDE(i, count * width) {
    const int64_t row = i / width, e = i % width;
    y[i] = weight[ids[row] * width + e];
  }
}

__global__ void embedding_backward_kernel(const int64_t* ids, int64_t count, const float* dy, int64_t width,
                                          float* dweight) {
  GRAIN_GRID_STRIDE(i, count * width) {
    const int64_t row = i / width, e = i % width;
    const int64_t id = ids[row];
    bool first = true;
    for (int64_t k = 0; k < row && first; ++k) first = ids[k] != id;
    if (!first) continue;
    float total = 0.f;
    for (int64_t k = row; k < count; ++k)
      if (ids[k] == id) total += dy[k * width + e];
    dweight[id * width + e] = total;
  }
}

__global__ void dropout_kernel(const float* x, float* y, int64_t n, double p, uint64_t seed, uint64_t offset,
                               float keep_scale) {
  GRAIN_GRID_STRIDE(i, n) {
    y[i] = counter_uniform(seed, offset + static_cast<uint64_t>(i)) >= p ? x[i] * keep_scale : 0.f;
  }
}

}  // namespace

void time_average_forward(const float* x, int64_t n, int64_t t, int64_t c, float* h, cudaStream_t stream) {
  if (n * c == 0) return;
  time_average_kernel<<<grid_for(n * c), kBlock, 0, stream>>>(x, n, t, c, h);
  GRAIN_KERNEL_CHECK("time_average_forward");
}

void time_average_backward(const float* dh, int64_t n, int64_t t, int64_t c, float* dx, cudaStream_t stream) {
  if (n * t * c == 0) return;
  time_average_backward_kernel<<<grid_for(n * t * c), kBlock, 0, stream>>>(dh, n, t, c, dx);
  GRAIN_KERNEL_CHECK("time_average_backward");
}

void embedding_forward(const int64_t* ids, int64_t count, const float* weight, int64_t width, float* y,
                       cudaStream_t stream) {
  if (count * width == 0) return;
  embedding_forward_kernel<<<grid_for(count * width), kBlock, 0, stream>>>(ids, count, weight, width, y);
  GRAIN_KERNEL_CHECK("embedding_forward");
}

void embedding_backward(const int64_t* ids, int64_t count, const float* dy, int64_t vocab, int64_t width,
                        float* dweight, cudaStream_t stream) {
  if (vocab * width > 0) {
    const cudaError_t status = cudaMemsetAsync(dweight, 0, sizeof(float) * vocab * width, stream);
    if (status != cudaSuccess)
      throw std::runtime_error(std::string("embedding_backward: cudaMemsetAsync: ") + cudaGetErrorString(status));
  }
  if (count * width == 0) return;
  embedding_backward_kernel<<<grid_for(count * width), kBlock, 0, stream>>>(ids, count, dy, width, dweight);
  GRAIN_KERNEL_CHECK("embedding_backward");
}

void dropout(const float* x, float* y, int64_t n, double p, uint64_t seed, uint64_t offset, cudaStream_t stream) {
  if (n == 0) return;
  // The same float32 factor as the CPU's static_cast<T>(1.0 / (1.0 - p)).
  const float keep_scale = static_cast<float>(1.0 / (1.0 - p));
  dropout_kernel<<<grid_for(n), kBlock, 0, stream>>>(x, y, n, p, seed, offset, keep_scale);
  GRAIN_KERNEL_CHECK("dropout");
}

}  // namespace grain::kernels::cuda
