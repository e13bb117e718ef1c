// defines: the CUDA half of elementwise_accumulate (implemented in elementwise_accumulate.cu; see elementwise_accumulate.h for shapes).
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
// dst += src in place (no graph).
void add_into_cuda(const Tensor& dst, const Tensor& src);
#else
inline void add_into_cuda(const Tensor&, const Tensor&) { throw_not_implemented_on_cuda("add_into"); }
#endif

}  // namespace grain
