// defines: sequence_nll — masked teacher-forcing caption loss (paper eq. 2)
#pragma once

#include "engine/tensor.h"

namespace grain {

// logits [N, L, V], targets int64 [N, L] in [0, V), mask [N, L] (same dtype as logits, 1 = a word to
// score, 0 = padding) -> scalar loss = (1/N) sum_{n,l} mask[n,l] (log sum_v exp logits[n,l,v] - logits[n,l,t]),
// the negative log-likelihood summed over steps and averaged over the batch. The log-softmax is fused:
// no N x L x V probabilities are kept. dlogits = dy mask / N (softmax - onehot(t)); mask gets no gradient.
Tensor sequence_nll(const Tensor& logits, const Tensor& targets, const Tensor& mask);

// ---- Backends (engine/backend.h): sequence_nll.cpp checks the targets and
// records, GRAIN_DISPATCH calls the _cpu half (sequence_nll.cpp) or the _cuda
// half (sequence_nll.cu, CUDA builds only).

// What the forward keeps for the backward: the CUDA backend the per-row
// log-sum-exp [N L]; the CPU recomputes it for the rows it scores and leaves
// lse undefined.
struct SequenceNllSaved {
  Tensor lse;
};

// loss (a scalar) = the masked NLL above.
void sequence_nll_forward_cpu(const Tensor& logits, const Tensor& targets, const Tensor& mask, const Tensor& loss,
                              SequenceNllSaved& saved);
void sequence_nll_forward_cuda(const Tensor& logits, const Tensor& targets, const Tensor& mask, const Tensor& loss,
                               SequenceNllSaved& saved);
// dlogits = dy mask / N (softmax - onehot(t)).
void sequence_nll_backward_cpu(const Tensor& logits, const Tensor& targets, const Tensor& mask,
                               const SequenceNllSaved& saved, const Tensor& dy, const Tensor& dlogits);
void sequence_nll_backward_cuda(const Tensor& logits, const Tensor& targets, const Tensor& mask,
                                const SequenceNllSaved& saved, const Tensor& dy, const Tensor& dlogits);

}  // namespace grain
