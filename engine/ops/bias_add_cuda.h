// defines: the CUDA half of bias_add (implemented in bias_add.cu; see bias_add.h for shapes).
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
// y = x + b along the last dim; records its backward.
Tensor bias_add_cuda(const Tensor& x, const Tensor& b);
#else
inline Tensor bias_add_cuda(const Tensor&, const Tensor&) { throw_not_implemented_on_cuda("bias_add"); }
#endif

}  // namespace grain
