// defines: the CUDA half of embedding (implemented in embedding.cu; see embedding.h for shapes).
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
// y = weight[ids]; checks the ids on the host; records its backward.
Tensor embedding_cuda(const Tensor& ids, const Tensor& weight);
#else
inline Tensor embedding_cuda(const Tensor&, const Tensor&) { throw_not_implemented_on_cuda("embedding"); }
#endif

}  // namespace grain
