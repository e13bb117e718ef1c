// defines: bias_add — adds a per-channel bias along the last (channels) dim
#pragma once

#include "engine/tensor.h"

namespace grain {

// x [..., C], b [C] -> y [..., C], y = x + b. dx = dy, db = sum over all but the last dim of dy.
Tensor bias_add(const Tensor& x, const Tensor& b);

// ---- Backends (engine/backend.h): bias_add.cpp records, GRAIN_DISPATCH calls
// the _cpu half (bias_add.cpp) or the _cuda half (bias_add.cu, CUDA builds only).

// y [..., C] = x + b.
void bias_add_forward_cpu(const Tensor& x, const Tensor& b, const Tensor& y);
void bias_add_forward_cuda(const Tensor& x, const Tensor& b, const Tensor& y);
// db [C] = the sum of dy's rows (dx = dy needs no arithmetic).
void bias_add_backward_cpu(const Tensor& dy, const Tensor& db);
void bias_add_backward_cuda(const Tensor& dy, const Tensor& db);

}  // namespace grain
