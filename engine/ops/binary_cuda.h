// defines: the CUDA half of binary (implemented in binary.cu; see binary.h for shapes).
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
// y = a op b with broadcasting, op "add", "sub" or "mul"; records its backward.
Tensor binary_cuda(const char* op, const Tensor& a, const Tensor& b);
#else
inline Tensor binary_cuda(const char* op, const Tensor&, const Tensor&) { throw_not_implemented_on_cuda(op); }
#endif

}  // namespace grain
