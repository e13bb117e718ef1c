// defines: cross_entropy — softmax cross-entropy with integer targets (paper eq. 1)
#pragma once

#include "engine/tensor.h"

namespace grain {

// logits [N, K], targets int64 [N] in [0, K) -> scalar loss = (1/N) sum_n -log softmax(logits_n)[t_n].
// dlogits = dy (softmax(logits) - onehot(t)) / N.
Tensor cross_entropy(const Tensor& logits, const Tensor& targets);

// ---- Backends (engine/backend.h): cross_entropy.cpp checks the targets and
// records, GRAIN_DISPATCH calls the _cpu half (cross_entropy.cpp) or the
// _cuda half (cross_entropy.cu, CUDA builds only).

// What the forward keeps for the backward: the CUDA backend the per-sample
// log-sum-exp [N]; the CPU recomputes it and leaves lse undefined.
struct CrossEntropySaved {
  Tensor lse;
};

// loss (a scalar) = the mean softmax cross-entropy.
void cross_entropy_forward_cpu(const Tensor& logits, const Tensor& targets, const Tensor& loss,
                               CrossEntropySaved& saved);
void cross_entropy_forward_cuda(const Tensor& logits, const Tensor& targets, const Tensor& loss,
                                CrossEntropySaved& saved);
// dlogits = dy (softmax(logits) - onehot(t)) / N.
void cross_entropy_backward_cpu(const Tensor& logits, const Tensor& targets, const CrossEntropySaved& saved,
                                const Tensor& dy, const Tensor& dlogits);
void cross_entropy_backward_cuda(const Tensor& logits, const Tensor& targets, const CrossEntropySaved& saved,
                                 const Tensor& dy, const Tensor& dlogits);

}  // namespace grain
