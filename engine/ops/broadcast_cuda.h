// defines: the CUDA half of broadcast (implemented in broadcast.cu; see broadcast.h for shapes).
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
// Sums g over its broadcast dims down to `target` (no graph).
Tensor sum_to_shape_cuda(const Tensor& g, const Shape& target);
#else
inline Tensor sum_to_shape_cuda(const Tensor&, const Shape&) { throw_not_implemented_on_cuda("sum_to_shape"); }
#endif

}  // namespace grain
