// defines: the CUDA half of dropout (implemented in dropout.cu; see dropout.h for shapes).
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
// The masked, rescaled copy of x (no graph; dropout() records).
Tensor dropout_mask_cuda(const Tensor& x, double p, uint64_t seed);
#else
inline Tensor dropout_mask_cuda(const Tensor&, double, uint64_t) { throw_not_implemented_on_cuda("dropout"); }
#endif

}  // namespace grain
