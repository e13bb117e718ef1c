// defines: the CUDA half of matmul (implemented in matmul.cu; see matmul.h for shapes).
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
// y = a b through cuBLAS; records its backward.
Tensor matmul_cuda(const Tensor& a, const Tensor& b);
#else
inline Tensor matmul_cuda(const Tensor&, const Tensor&) { throw_not_implemented_on_cuda("matmul"); }
#endif

}  // namespace grain
