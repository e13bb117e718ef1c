// defines: sequence_nll_forward_cuda, sequence_nll_backward_cuda (see
// sequence_nll.h) — the fused kernel of kernels/cuda/softmax_nll.h; only a
// per-row log-sum-exp is kept for the backward, never the N x L x V
// probabilities.
#include "engine/cuda/context.h"
#include "engine/cuda/op_support.h"
#include "engine/ops/sequence_nll.h"
#include "kernels/cuda/softmax_nll.h"

namespace grain {

void sequence_nll_forward_cuda(const Tensor& logits, const Tensor& targets, const Tensor& mask, const Tensor& loss,
                               SequenceNllSaved& saved) {
  const int64_t n = logits.size(0), l = logits.size(1), v = logits.size(2), rows = n * l;
  saved.lse = Tensor::empty({rows}, logits.dtype(), logits.device());
  Tensor row_loss = Tensor::empty({rows}, logits.dtype(), logits.device());
  kernels::cuda::softmax_nll_forward(cuda::f32(logits), cuda::i64(targets), cuda::f32(mask), rows, v, n,
                                     cuda::f32(saved.lse), cuda::f32(row_loss), cuda::f32(loss),
                                     cuda::context(logits.device()).stream());
}

void sequence_nll_backward_cuda(const Tensor& logits, const Tensor& targets, const Tensor& mask,
                                const SequenceNllSaved& saved, const Tensor& dy, const Tensor& dlogits) {
  const int64_t n = logits.size(0), l = logits.size(1), v = logits.size(2), rows = n * l;
  kernels::cuda::softmax_nll_backward(cuda::f32(logits), cuda::i64(targets), cuda::f32(mask), cuda::f32(saved.lse),
                                      cuda::f32(dy), rows, v, n, cuda::f32(dlogits),
                                      cuda::context(dy.device()).stream());
}

}  // namespace grain
