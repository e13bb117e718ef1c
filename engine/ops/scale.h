// defines: scale — y = s * x for a constant s (not differentiated)
#pragma once

#include "engine/tensor.h"

namespace grain {

// x any shape; y = s x; dx = s dy.
Tensor scale(const Tensor& x, double s);

// ---- Backends (engine/backend.h): scale.cpp records, GRAIN_DISPATCH calls
// the _cpu half (scale.cpp) or the _cuda half (scale.cu, CUDA builds only).

// y = s x (y allocated like x); the forward and, on dy, the backward.
void scale_values_cpu(const Tensor& x, double s, const Tensor& y);
void scale_values_cuda(const Tensor& x, double s, const Tensor& y);

}  // namespace grain
