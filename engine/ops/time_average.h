// defines: time_average — the mean over time of (bidirectional) LSTM outputs
#pragma once

#include "engine/tensor.h"

namespace grain {

// x [N, T, C] (C = 2 hidden for [h_fwd(t); h_bwd(t)]) -> h [N, C], h = (1/T) sum_t x[:, t, :].
// dx[:, t, :] = dh / T. The video encoding of docs/spec/model.md; a custom kernel on CUDA.
Tensor time_average(const Tensor& x);

}  // namespace grain
