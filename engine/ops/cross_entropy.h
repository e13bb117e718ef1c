// defines: cross_entropy — softmax cross-entropy with integer targets (paper eq. 1)
#pragma once

#include "engine/tensor.h"

namespace grain {

// logits [N, K], targets int64 [N] in [0, K) -> scalar loss = (1/N) sum_n -log softmax(logits_n)[t_n].
// dlogits = dy (softmax(logits) - onehot(t)) / N.
Tensor cross_entropy(const Tensor& logits, const Tensor& targets);

// ---- CUDA backend: defined in cross_entropy.cu, compiled only with the CUDA backend;
// cross_entropy.cpp reaches it through GRAIN_CUDA_DISPATCH (engine/backend.h).

// Mean softmax cross-entropy (the fused kernel with L = 1); records its backward.
Tensor cross_entropy_cuda(const Tensor& logits, const Tensor& targets);

}  // namespace grain
