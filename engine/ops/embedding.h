// defines: embedding — rows of a table selected by integer ids
#pragma once

#include "engine/tensor.h"

namespace grain {

// ids int64 of any shape S, weight [V, E] -> y [S..., E], y[s] = weight[ids[s]].
// dweight[v] = sum of dy[s] over the s with ids[s] = v; ids get no gradient.
Tensor embedding(const Tensor& ids, const Tensor& weight);

// ---- CUDA backend: defined in embedding.cu, compiled only with the CUDA backend;
// embedding.cpp reaches it through GRAIN_CUDA_DISPATCH (engine/backend.h).

// y = weight[ids]; checks the ids on the host; records its backward.
Tensor embedding_cuda(const Tensor& ids, const Tensor& weight);

}  // namespace grain
