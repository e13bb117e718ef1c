// defines: dropout — inverted dropout with a counter-based, reproducible mask
#pragma once

#include <cstdint>

#include "engine/tensor.h"

namespace grain {

// Training: y_i = x_i / (1 - p) if u(seed, offset + i) >= p else 0, where
// u = kernels::counter_uniform (the same mask on every backend, for every
// thread count). Not training, or p = 0: y = x (the same tensor).
// dx = dy masked and scaled alike. `offset` places x inside a larger tensor
// (a data-parallel process's slice of the global batch draws the global
// batch's mask for its rows).
Tensor dropout(const Tensor& x, double p, uint64_t seed, bool training = true, uint64_t offset = 0);

// ---- Backends (engine/backend.h): dropout.cpp records, GRAIN_DISPATCH calls
// the _cpu half (dropout.cpp) or the _cuda half (dropout.cu, CUDA builds only).

// y = the masked, rescaled copy of x (y allocated like x); the forward and,
// on dy, the backward.
void dropout_mask_cpu(const Tensor& x, double p, uint64_t seed, uint64_t offset, const Tensor& y);
void dropout_mask_cuda(const Tensor& x, double p, uint64_t seed, uint64_t offset, const Tensor& y);

}  // namespace grain
