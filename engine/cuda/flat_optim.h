// defines: grain::cuda::adam_step, sgd_step, grad_norm, scale_ranges — the
//          CUDA halves of engine/optim's optimizers over flat buffers
//
// Parameters, gradients and optimizer state are flat float32 device tensors
// (engine/parameters.h); each call launches one kernel per trainable range
// (a handful per model), with the CPU optimizer's arithmetic in the same
// order (kernels/cuda/optimizer.h). engine/optim/optimizer.cpp calls these
// where the store lives on a CUDA device.
#pragma once

#include <cstdint>
#include <utility>
#include <vector>

#include "engine/tensor.h"

namespace grain::cuda {

using Ranges = std::vector<std::pair<int64_t, int64_t>>;  // (offset, count)

void adam_step(const Tensor& params, const Tensor& grads, const Tensor& m, const Tensor& v, const Ranges& ranges,
               double lr, double beta1, double beta2, double eps, double weight_decay, int64_t step);
void sgd_step(const Tensor& params, const Tensor& grads, const Tensor& buf, const Ranges& ranges, double lr,
              double momentum, double weight_decay, bool first);
// sqrt(sum of g^2) over the ranges (deterministic; synchronises to return it).
double grad_norm(const Tensor& grads, const Ranges& ranges);
// g *= factor over the ranges.
void scale_ranges(const Tensor& grads, const Ranges& ranges, double factor);

}  // namespace grain::cuda
