// defines: time_average — the mean over time of (bidirectional) LSTM outputs
#pragma once

#include "engine/tensor.h"

namespace grain {

// x [N, T, C] (C = 2 hidden for [h_fwd(t); h_bwd(t)]) -> h [N, C], h = (1/T) sum_t x[:, t, :].
// dx[:, t, :] = dh / T. The video encoding of docs/spec/model.md; a custom kernel on CUDA.
Tensor time_average(const Tensor& x);

// ---- CUDA backend: defined in time_average.cu, compiled only with the CUDA backend;
// time_average.cpp reaches it through GRAIN_CUDA_DISPATCH (engine/backend.h).

// h = mean over T of x [N, T, C]; records its backward.
Tensor time_average_cuda(const Tensor& x);

}  // namespace grain
