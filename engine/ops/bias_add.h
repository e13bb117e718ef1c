// defines: bias_add — adds a per-channel bias along the last (channels) dim
#pragma once

#include "engine/tensor.h"

namespace grain {

// x [..., C], b [C] -> y [..., C], y = x + b. dx = dy, db = sum over all but the last dim of dy.
Tensor bias_add(const Tensor& x, const Tensor& b);

// ---- CUDA backend: defined in bias_add.cu, compiled only with the CUDA backend;
// bias_add.cpp reaches it through GRAIN_CUDA_DISPATCH (engine/backend.h).

// y = x + b along the last dim; records its backward.
Tensor bias_add_cuda(const Tensor& x, const Tensor& b);

}  // namespace grain
