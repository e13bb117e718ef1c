// defines: sequence_nll — masked teacher-forcing caption loss (paper eq. 2)
#pragma once

#include "engine/tensor.h"

namespace grain {

// logits [N, L, V], targets int64 [N, L] in [0, V), mask [N, L] (same dtype as logits, 1 = a word to
// score, 0 = padding) -> scalar loss = (1/N) sum_{n,l} mask[n,l] (log sum_v exp logits[n,l,v] - logits[n,l,t]),
// the negative log-likelihood summed over steps and averaged over the batch. The log-softmax is fused:
// no N x L x V probabilities are kept. dlogits = dy mask / N (softmax - onehot(t)); mask gets no gradient.
Tensor sequence_nll(const Tensor& logits, const Tensor& targets, const Tensor& mask);

// ---- CUDA backend: defined in sequence_nll.cu, compiled only with the CUDA backend;
// sequence_nll.cpp reaches it through GRAIN_CUDA_DISPATCH (engine/backend.h).

// The fused caption loss; records its backward.
Tensor sequence_nll_cuda(const Tensor& logits, const Tensor& targets, const Tensor& mask);

}  // namespace grain
