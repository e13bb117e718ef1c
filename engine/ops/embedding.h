// defines: embedding — rows of a table selected by integer ids
#pragma once

#include "engine/tensor.h"

namespace grain {

// ids int64 of any shape S, weight [V, E] -> y [S..., E], y[s] = weight[ids[s]].
// dweight[v] = sum of dy[s] over the s with ids[s] = v; ids get no gradient.
Tensor embedding(const Tensor& ids, const Tensor& weight);

// ---- Backends (engine/backend.h): embedding.cpp checks the ids and records,
// GRAIN_DISPATCH calls the _cpu half (embedding.cpp) or the _cuda half
// (embedding.cu, CUDA builds only).

// y [S..., E] = weight[ids].
void embedding_forward_cpu(const Tensor& ids, const Tensor& weight, const Tensor& y);
void embedding_forward_cuda(const Tensor& ids, const Tensor& weight, const Tensor& y);
// dweight [V, E] = dy's rows summed by id.
void embedding_backward_cpu(const Tensor& ids, const Tensor& dy, const Tensor& dweight);
void embedding_backward_cuda(const Tensor& ids, const Tensor& dy, const Tensor& dweight);

}  // namespace grain
