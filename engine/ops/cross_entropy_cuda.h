// defines: the CUDA half of cross_entropy (implemented in cross_entropy.cu; see cross_entropy.h for shapes).
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
// Mean softmax cross-entropy (the fused kernel with L = 1); records its backward.
Tensor cross_entropy_cuda(const Tensor& logits, const Tensor& targets);
#else
inline Tensor cross_entropy_cuda(const Tensor&, const Tensor&) { throw_not_implemented_on_cuda("cross_entropy"); }
#endif

}  // namespace grain
