// defines: sum, mean, amax — reductions over chosen dims
//
// dims empty = all dims. keepdim keeps reduced dims as size 1. amax over the
// spatial dims is the model's global max pooling; mean over dims its global
// average pooling.
#pragma once

#include <vector>

#include "engine/tensor.h"

namespace grain {

// y = sum of x over dims. dx = dy broadcast back over the reduced dims.
Tensor sum(const Tensor& x, const std::vector<int64_t>& dims = {}, bool keepdim = false);
// y = sum / (number of reduced elements). dx = dy / count, broadcast.
Tensor mean(const Tensor& x, const std::vector<int64_t>& dims = {}, bool keepdim = false);
// y = max of x over dims. dx = dy at the first position of the maximum, 0 elsewhere.
Tensor amax(const Tensor& x, const std::vector<int64_t>& dims, bool keepdim = false);

// ---- Backends (engine/backend.h): reduce.cpp records, GRAIN_DISPATCH calls
// the _cpu half (reduce.cpp) or the _cuda half (reduce.cu, CUDA builds only).
// `keep` is x's shape with the reduced dims 1; y holds numel(keep) values
// (its shape drops them unless keepdim).

// y = factor * (x summed over the reduced dims): sum (factor 1) and mean.
void sum_forward_cpu(const Tensor& x, const Shape& keep, double factor, const Tensor& y);
void sum_forward_cuda(const Tensor& x, const Shape& keep, double factor, const Tensor& y);
// dx = dy (numel(keep) values) broadcast back to dx's shape, times factor.
void sum_backward_cpu(const Tensor& dy, const Shape& keep, double factor, const Tensor& dx);
void sum_backward_cuda(const Tensor& dy, const Shape& keep, double factor, const Tensor& dx);
// y = the maximum over the reduced dims, argmax (int64, y's shape) = the
// input index of its first occurrence.
void amax_forward_cpu(const Tensor& x, const Shape& keep, const Tensor& y, const Tensor& argmax);
void amax_forward_cuda(const Tensor& x, const Shape& keep, const Tensor& y, const Tensor& argmax);
// dx = dy scattered to the argmax positions, zeros elsewhere.
void amax_backward_cpu(const Tensor& dy, const Tensor& argmax, const Tensor& dx);
void amax_backward_cuda(const Tensor& dy, const Tensor& argmax, const Tensor& dx);

}  // namespace grain
