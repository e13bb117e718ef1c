// defines: the CUDA half of scale (implemented in scale.cu; see scale.h for shapes).
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
// y = s x (no graph; scale() records).
Tensor scale_cuda(const Tensor& x, double s);
#else
inline Tensor scale_cuda(const Tensor&, double) { throw_not_implemented_on_cuda("scale"); }
#endif

}  // namespace grain
