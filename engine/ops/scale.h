// defines: scale — y = s * x for a constant s (not differentiated)
#pragma once

#include "engine/tensor.h"

namespace grain {

// x any shape; y = s x; dx = s dy.
Tensor scale(const Tensor& x, double s);

// ---- CUDA backend: defined in scale.cu, compiled only with the CUDA backend;
// scale.cpp reaches it through GRAIN_CUDA_DISPATCH (engine/backend.h).

// y = s x (no graph; scale() records).
Tensor scale_cuda(const Tensor& x, double s);

}  // namespace grain
