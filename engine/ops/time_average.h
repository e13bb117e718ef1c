// defines: time_average — the mean over time of (bidirectional) LSTM outputs
#pragma once

#include "engine/tensor.h"

namespace grain {

// x [N, T, C] (C = 2 hidden for [h_fwd(t); h_bwd(t)]) -> h [N, C], h = (1/T) sum_t x[:, t, :].
// dx[:, t, :] = dh / T. The video encoding of docs/spec/model.md; a custom kernel on CUDA.
Tensor time_average(const Tensor& x);

// ---- Backends (engine/backend.h): time_average.cpp records, GRAIN_DISPATCH
// calls the _cpu half (time_average.cpp) or the _cuda half (time_average.cu,
// CUDA builds only).

// h [N, C] = the mean over T of x [N, T, C].
void time_average_forward_cpu(const Tensor& x, const Tensor& h);
void time_average_forward_cuda(const Tensor& x, const Tensor& h);
// dx [N, T, C] = dh / T at every step.
void time_average_backward_cpu(const Tensor& dh, const Tensor& dx);
void time_average_backward_cuda(const Tensor& dh, const Tensor& dx);

}  // namespace grain
