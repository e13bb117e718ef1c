// defines: elementwise kernels (see elementwise.h)
#include "kernels/cuda/elementwise.h"

#include "kernels/cuda/common.cuh"

namespace grain::kernels::cuda {

namespace {

__global__ void activation_forward_kernel(int act, const float* x, float* y, int64_t n) {
  GRAIN_GRID_STRIDE(i, n) {
    const float v = x[i];
    y[i] = act == 0 ? (v > 0.f ? v : 0.f) : act == 1 ? tanhf(v) : 1.f / (1.f + expf(-v));
  }
}

__global__ void activation_backward_kernel(int act, const float* y, const float* dy, float* dx, int64_t n) {
  GRAIN_GRID_STRIDE(i, n) {
    const float v = y[i];
    const float d = act == 0 ? (v > 0.f ? 1.f : 0.f) : act == 1 ? 1.f - v * v : v * (1.f - v);
    dx[i] = dy[i] * d;
  }
}

__global__ void scale_kernel(const float* x, float* y, float s, int64_t n) {
  GRAIN_GRID_STRIDE(i, n) y[i] = s * x[i];
}

__global__ void add_into_kernel(float* dst, const float* src, int64_t n) {
  GRAIN_GRID_STRIDE(i, n) dst[i] += src[i];
}

__global__ void fill_kernel(float* dst, float value, int64_t n) {
  GRAIN_GRID_STRIDE(i, n) dst[i] = value;
}

__global__ void bias_add_kernel(const float* x, const float* b, float* y, int64_t n, int64_t channels) {
  GRAIN_GRID_STRIDE(i, n) y[i] = x[i] + b[i % channels];
}

__global__ void binary_kernel(int op, const float* a, Strided ia, const float* b, Strided ib, float* y, int64_t n) {
  GRAIN_GRID_STRIDE(i, n) {
    const float x = a[strided_offset(ia, i)], z = b[strided_offset(ib, i)];
    y[i] = op == 0 ? x + z : op == 1 ? x - z : x * z;
  }
}

__global__ void broadcast_scaled_kernel(const float* x, Strided ix, float* y, int64_t n, float factor) {
  GRAIN_GRID_STRIDE(i, n) y[i] = x[strided_offset(ix, i)] * factor;
}

template <typename E>
__global__ void gather_strided_kernel(const E* x, Strided ix, E* y, int64_t n) {
  GRAIN_GRID_STRIDE(i, n) y[i] = x[strided_offset(ix, i)];
}

}  // namespace

void activation_forward(Activation act, const float* x, float* y, int64_t n, cudaStream_t stream) {
  if (n == 0) return;
  activation_forward_kernel<<<grid_for(n), kBlock, 0, stream>>>(static_cast<int>(act), x, y, n);
  GRAIN_KERNEL_CHECK("activation_forward");
}

void activation_backward(Activation act, const float* y, const float* dy, float* dx, int64_t n, cudaStream_t stream) {
  if (n == 0) return;
  activation_backward_kernel<<<grid_for(n), kBlock, 0, stream>>>(static_cast<int>(act), y, dy, dx, n);
  GRAIN_KERNEL_CHECK("activation_backward");
}

void scale(const float* x, float* y, float s, int64_t n, cudaStream_t stream) {
  if (n == 0) return;
  scale_kernel<<<grid_for(n), kBlock, 0, stream>>>(x, y, s, n);
  GRAIN_KERNEL_CHECK("scale");
}

void add_into(float* dst, const float* src, int64_t n, cudaStream_t stream) {
  if (n == 0) return;
  add_into_kernel<<<grid_for(n), kBlock, 0, stream>>>(dst, src, n);
  GRAIN_KERNEL_CHECK("add_into");
}

void fill(float* dst, float value, int64_t n, cudaStream_t stream) {
  if (n == 0) return;
  fill_kernel<<<grid_for(n), kBlock, 0, stream>>>(dst, value, n);
  GRAIN_KERNEL_CHECK("fill");
}

void bias_add(const float* x, const float* b, float* y, int64_t rows, int64_t channels, cudaStream_t stream) {
  const int64_t n = rows * channels;
  if (n == 0) return;
  bias_add_kernel<<<grid_for(n), kBlock, 0, stream>>>(x, b, y, n, channels);
  GRAIN_KERNEL_CHECK("bias_add");
}

void binary(Binary op, const float* a, const Strided& ia, const float* b, const Strided& ib, float* y, int64_t n,
            cudaStream_t stream) {
  if (n == 0) return;
  binary_kernel<<<grid_for(n), kBlock, 0, stream>>>(static_cast<int>(op), a, ia, b, ib, y, n);
  GRAIN_KERNEL_CHECK("binary");
}

void broadcast_scaled(const float* x, const Strided& ix, float* y, int64_t n, float factor, cudaStream_t stream) {
  if (n == 0) return;
  broadcast_scaled_kernel<<<grid_for(n), kBlock, 0, stream>>>(x, ix, y, n, factor);
  GRAIN_KERNEL_CHECK("broadcast_scaled");
}

void gather_strided(const void* x, const Strided& ix, void* y, int64_t n, int element_bytes, cudaStream_t stream) {
  if (n == 0) return;
  switch (element_bytes) {
    case 1: gather_strided_kernel<<<grid_for(n), kBlock, 0, stream>>>(static_cast<const uint8_t*>(x), ix, static_cast<uint8_t*>(y), n); break;
    case 2: gather_strided_kernel<<<grid_for(n), kBlock, 0, stream>>>(static_cast<const uint16_t*>(x), ix, static_cast<uint16_t*>(y), n); break;
    case 4: gather_strided_kernel<<<grid_for(n), kBlock, 0, stream>>>(static_cast<const uint32_t*>(x), ix, static_cast<uint32_t*>(y), n); break;
    case 8: gather_strided_kernel<<<grid_for(n), kBlock, 0, stream>>>(static_cast<const uint64_t*>(x), ix, static_cast<uint64_t*>(y), n); break;
    default: throw std::runtime_error("gather_strided: element size " + std::to_string(element_bytes) + " not supported");
  }
  GRAIN_KERNEL_CHECK("gather_strided");
}

}  // namespace grain::kernels::cuda
