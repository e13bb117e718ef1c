// defines: the CUDA half of time_average (implemented in time_average.cu; see time_average.h for shapes).
// Builds without the CUDA backend get inline stubs that throw, never reached
// because no tensor can live on a CUDA device there.
#pragma once

#include <array>
#include <cstdint>
#include <vector>

#include "engine/backend.h"
#include "engine/tensor.h"

namespace grain {

#if GRAIN_WITH_CUDA
// h = mean over T of x [N, T, C]; records its backward.
Tensor time_average_cuda(const Tensor& x);
#else
inline Tensor time_average_cuda(const Tensor&) { throw_not_implemented_on_cuda("time_average"); }
#endif

}  // namespace grain
