// defines: log_softmax — over the last dim, numerically stable
#pragma once

#include "engine/tensor.h"

namespace grain {

// x [..., K] -> y [..., K], y = x - max(x) - log sum exp(x - max(x)).
// dx = dy - softmax(x) sum_k dy.
Tensor log_softmax(const Tensor& x);

// ---- Backends (engine/backend.h): log_softmax.cpp records, GRAIN_DISPATCH
// calls the _cpu half (log_softmax.cpp) or the _cuda half (log_softmax.cu,
// CUDA builds only). Rows of K values.

// y = log_softmax(x) row by row.
void log_softmax_forward_cpu(const Tensor& x, const Tensor& y);
void log_softmax_forward_cuda(const Tensor& x, const Tensor& y);
// dx = dy - exp(y) sum_k dy, through the saved output y.
void log_softmax_backward_cpu(const Tensor& y, const Tensor& dy, const Tensor& dx);
void log_softmax_backward_cuda(const Tensor& y, const Tensor& dy, const Tensor& dx);

}  // namespace grain
