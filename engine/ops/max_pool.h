// defines: max_pool3d, max_pool2d — channels-last max pooling (no padding)
#pragma once

#include <array>
#include <cstdint>

#include "engine/tensor.h"

namespace grain {

// x (N, T, H, W, C), kernel (kT, kH, kW), stride (default = kernel)
// -> y (N, To, Ho, Wo, C), To = (T - kT) / sT + 1 (same for H, W),
// y = max over the window. dx = dy at the first maximum of each window.
Tensor max_pool3d(const Tensor& x, std::array<int64_t, 3> kernel, std::array<int64_t, 3> stride = {0, 0, 0});
// x (N, H, W, C), kernel (kH, kW), stride (default = kernel) -> (N, Ho, Wo, C).
Tensor max_pool2d(const Tensor& x, std::array<int64_t, 2> kernel, std::array<int64_t, 2> stride = {0, 0});

// ---- Backends (engine/backend.h): max_pool.cpp checks the window and
// records, GRAIN_DISPATCH calls the _cpu half (max_pool.cpp) or the _cuda
// half (max_pool.cu, CUDA builds only).

// The pooling's shape, checked once: input (n, d, h, w, c), window, stride
// (resolved, >= 1) and output (od, oh, ow).
struct MaxPoolGeometry {
  int64_t n, d, h, w, c;
  std::array<int64_t, 3> kernel, stride;
  int64_t od, oh, ow;
};

// Where each window's first maximum is, for the backward; the forward fills
// it in its backend's form: the CPU the position inside the window (int32,
// in (t, h, w) order), the CUDA backend the input index (int64). One value
// per element of y.
struct MaxPoolSaved {
  Tensor argmax;
};

// y (N, To, Ho, Wo, C) = the maximum of each window.
void max_pool_forward_cpu(const Tensor& x, const MaxPoolGeometry& g, const Tensor& y, MaxPoolSaved& saved);
void max_pool_forward_cuda(const Tensor& x, const MaxPoolGeometry& g, const Tensor& y, MaxPoolSaved& saved);
// dx (x's shape) = dy added at each window's maximum, zeros elsewhere.
void max_pool_backward_cpu(const MaxPoolGeometry& g, const MaxPoolSaved& saved, const Tensor& dy, const Tensor& dx);
void max_pool_backward_cuda(const MaxPoolGeometry& g, const MaxPoolSaved& saved, const Tensor& dy, const Tensor& dx);

}  // namespace grain
