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

// ---- CUDA backend: defined in dropout.cu, compiled only with the CUDA backend;
// dropout.cpp reaches it through GRAIN_CUDA_DISPATCH (engine/backend.h).

// The masked, rescaled copy of x (no graph; dropout() records).
Tensor dropout_mask_cuda(const Tensor& x, double p, uint64_t seed, uint64_t offset);

}  // namespace grain
