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

// ---- CUDA backend: defined in max_pool.cu, compiled only with the CUDA backend;
// max_pool.cpp reaches it through GRAIN_CUDA_DISPATCH (engine/backend.h).

// Max pooling of x (N, T, H, W, C) with window k and stride s (both resolved); records its backward.
Tensor max_pool_cuda(const char* op, const Tensor& x, std::array<int64_t, 3> k, std::array<int64_t, 3> s);

}  // namespace grain
