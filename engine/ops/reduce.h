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

// ---- CUDA backend: defined in reduce.cu, compiled only with the CUDA backend;
// reduce.cpp reaches it through GRAIN_CUDA_DISPATCH (engine/backend.h).

// sum/mean of x down to `keep` (reduced dims 1), returned with shape `out`; records its backward.
Tensor sum_or_mean_cuda(const char* op, const Tensor& x, const Shape& keep, const Shape& out, bool average);
// dy (shape keep, any view) broadcast to in_shape times factor (no graph).
Tensor expand_grad_cuda(const Tensor& dy, const Shape& keep, const Shape& in_shape, double factor);
// amax of x down to `keep`, shape `out`; records its backward (scatter to the first maximum).
Tensor amax_cuda(const Tensor& x, const Shape& keep, const Shape& out);

}  // namespace grain
