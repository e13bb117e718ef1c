// defines: device helpers shared by the custom kernels (grid sizing, block
// reductions). Device code only; include from .cu files.
//
// Block reductions combine values in a fixed tree order, so every sum of the
// custom kernels is deterministic run to run (no atomics on floats anywhere).
#pragma once

#include <cuda_runtime.h>

#include <cstdint>

#include <stdexcept>
#include <string>

namespace grain::kernels::cuda {

constexpr int kBlock = 256;

inline unsigned grid_for(int64_t n, int block = kBlock) {
  int64_t g = (n + block - 1) / block;
  if (g < 1) g = 1;
  if (g > 65535LL * 16) g = 65535LL * 16;  // grid-stride loops cover the rest
  return static_cast<unsigned>(g);
}

// kernels/ sits below engine/ and cannot use grain::Error; a failed launch
// throws std::runtime_error with the same "file:line: message" form.
#define GRAIN_KERNEL_CHECK(name)                                                                 \
  do {                                                                                           \
    const cudaError_t grain_launch_ = cudaGetLastError();                                        \
    if (grain_launch_ != cudaSuccess)                                                            \
      throw std::runtime_error(std::string("kernels/cuda/") + __FILE_NAME__ + ":" +              \
                               std::to_string(__LINE__) + ": " + (name) +                        \
                               ": kernel launch failed: " + cudaGetErrorString(grain_launch_));  \
  } while (0)

#define GRAIN_GRID_STRIDE(i, n) \
  for (int64_t i = blockIdx.x * static_cast<int64_t>(blockDim.x) + threadIdx.x; i < (n); i += static_cast<int64_t>(blockDim.x) * gridDim.x)

// Sum over the block; every thread gets the result. `shared` holds blockDim.x / 32 values.
template <typename T>
__device__ T block_sum(T value, T* shared) {
  const int lane = threadIdx.x & 31, warp = threadIdx.x >> 5;
  for (int offset = 16; offset > 0; offset >>= 1) value += __shfl_down_sync(0xffffffffu, value, offset);
  __syncthreads();  // shared may still be read by a previous call
  if (lane == 0) shared[warp] = value;
  __syncthreads();
  const int warps = (blockDim.x + 31) >> 5;
  T total = 0;
  for (int w = 0; w < warps; ++w) total += shared[w];
  return total;
}

template <typename T>
__device__ T block_max(T value, T* shared) {
  const int lane = threadIdx.x & 31, warp = threadIdx.x >> 5;
  for (int offset = 16; offset > 0; offset >>= 1) {
    const T other = __shfl_down_sync(0xffffffffu, value, offset);
    value = other > value ? other : value;
  }
  __syncthreads();
  if (lane == 0) shared[warp] = value;
  __syncthreads();
  const int warps = (blockDim.x + 31) >> 5;
  T best = shared[0];
  for (int w = 1; w < warps; ++w) best = shared[w] > best ? shared[w] : best;
  return best;
}

}  // namespace grain::kernels::cuda
