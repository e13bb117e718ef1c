// defines: cross_entropy_forward_cuda, cross_entropy_backward_cuda (see
// cross_entropy.h) — the fused softmax NLL kernel of the caption loss with
// one step per sample and no mask.
#include "engine/cuda/context.h"
#include "engine/cuda/op_support.h"
#include "engine/ops/cross_entropy.h"
#include "kernels/cuda/softmax_nll.h"

namespace grain {

void cross_entropy_forward_cuda(const Tensor& logits, const Tensor& targets, const Tensor& loss,
                                CrossEntropySaved& saved) {
  const int64_t n = logits.size(0), k = logits.size(1);
  saved.lse = Tensor::empty({n}, logits.dtype(), logits.device());
  Tensor row_loss = Tensor::empty({n}, logits.dtype(), logits.device());
  kernels::cuda::softmax_nll_forward(cuda::f32(logits), cuda::i64(targets), nullptr, n, k, n, cuda::f32(saved.lse),
                                     cuda::f32(row_loss), cuda::f32(loss), cuda::context(logits.device()).stream());
}

void cross_entropy_backward_cuda(const Tensor& logits, const Tensor& targets, const CrossEntropySaved& saved,
                                 const Tensor& dy, const Tensor& dlogits) {
  const int64_t n = logits.size(0), k = logits.size(1);
  kernels::cuda::softmax_nll_backward(cuda::f32(logits), cuda::i64(targets), nullptr, cuda::f32(saved.lse),
                                      cuda::f32(dy), n, k, n, cuda::f32(dlogits), cuda::context(dy.device()).stream());
}

}  // namespace grain
