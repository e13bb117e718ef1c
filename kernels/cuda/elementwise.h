// defines: grain::kernels::cuda elementwise launchers — activations, scale,
//          add_into, fill, bias_add, broadcast binary ops, broadcast copy, permute
//
// Raw pointers and sizes, float32, queued on `stream`. Shapes with
// broadcasting are described by Strided (up to kMaxRank dims): the output
// shape and, per input, the element stride of each output dim (0 where the
// input is broadcast).
#pragma once

#include <cuda_runtime.h>

#include <cstdint>

namespace grain::kernels::cuda {

constexpr int kMaxRank = 8;

struct Strided {
  int rank = 0;
  int64_t shape[kMaxRank] = {};   // output shape
  int64_t stride[kMaxRank] = {};  // input element stride per output dim (0 = broadcast)
};

#if defined(__CUDACC__)
// Linear index i of a contiguous tensor of shape s.shape -> element offset through s.stride.
__device__ __forceinline__ int64_t strided_offset(const Strided& s, int64_t i) {
  int64_t offset = 0;
  for (int d = s.rank - 1; d >= 0; --d) {
    const int64_t coordinate = i % s.shape[d];
    i /= s.shape[d];
    offset += coordinate * s.stride[d];
  }
  return offset;
}
#endif

enum class Activation : int { kRelu = 0, kTanh = 1, kSigmoid = 2 };
enum class Binary : int { kAdd = 0, kSub = 1, kMul = 2 };

// y = act(x)
void activation_forward(Activation act, const float* x, float* y, int64_t n, cudaStream_t stream);
// dx = dy act'(x), written through the saved output y.
void activation_backward(Activation act, const float* y, const float* dy, float* dx, int64_t n, cudaStream_t stream);
// y = s x (y may alias x)
void scale(const float* x, float* y, float s, int64_t n, cudaStream_t stream);
// dst += src
void add_into(float* dst, const float* src, int64_t n, cudaStream_t stream);
void fill(float* dst, float value, int64_t n, cudaStream_t stream);
// y[r, c] = x[r, c] + b[c], x [rows, channels]
void bias_add(const float* x, const float* b, float* y, int64_t rows, int64_t channels, cudaStream_t stream);
// y[i] = a[ia(i)] op b[ib(i)] for i over the output of `ia.shape` (n elements).
void binary(Binary op, const float* a, const Strided& ia, const float* b, const Strided& ib, float* y, int64_t n,
            cudaStream_t stream);
// y[i] = factor * x[ix(i)]: broadcast copy (the backward of sum/mean).
void broadcast_scaled(const float* x, const Strided& ix, float* y, int64_t n, float factor, cudaStream_t stream);
// y[i] = x[ix(i)] for any element size (permute): bytes per element 1, 2, 4 or 8.
void gather_strided(const void* x, const Strided& ix, void* y, int64_t n, int element_bytes, cudaStream_t stream);

}  // namespace grain::kernels::cuda
