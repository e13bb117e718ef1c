// defines: log_softmax — over the last dim, numerically stable
#pragma once

#include "engine/tensor.h"

namespace grain {

// x [..., K] -> y [..., K], y = x - max(x) - log sum exp(x - max(x)).
// dx = dy - softmax(x) sum_k dy.
Tensor log_softmax(const Tensor& x);

// ---- CUDA backend: defined in log_softmax.cu, compiled only with the CUDA backend;
// log_softmax.cpp reaches it through GRAIN_CUDA_DISPATCH (engine/backend.h).

// Log-softmax over the last dim; records its backward.
Tensor log_softmax_cuda(const Tensor& x);

}  // namespace grain
