// defines: the CUDA half of sequence_nll (implemented in sequence_nll.cu; see sequence_nll.h for shapes).
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
// The fused caption loss; records its backward.
Tensor sequence_nll_cuda(const Tensor& logits, const Tensor& targets, const Tensor& mask);
#else
inline Tensor sequence_nll_cuda(const Tensor&, const Tensor&, const Tensor&) { throw_not_implemented_on_cuda("sequence_nll"); }
#endif

}  // namespace grain
