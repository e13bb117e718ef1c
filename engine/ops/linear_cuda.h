// defines: the CUDA half of linear (implemented in linear.cu; see linear.h for shapes).
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
// y = x w^T + b through cuBLAS; records its backward.
Tensor linear_cuda(const Tensor& x, const Tensor& w, const Tensor& b);
#else
inline Tensor linear_cuda(const Tensor&, const Tensor&, const Tensor&) { throw_not_implemented_on_cuda("linear"); }
#endif

}  // namespace grain
