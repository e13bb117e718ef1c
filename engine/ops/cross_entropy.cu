// defines: cross_entropy_cuda (see cross_entropy.h) — the fused softmax
// NLL kernel of the caption loss with one step per sample and no mask.
#include "engine/autograd.h"
#include "engine/cuda/context.h"
#include "engine/cuda/op_support.h"
#include "engine/error.h"
#include "engine/ops/cross_entropy.h"
#include "kernels/cuda/softmax_nll.h"

namespace grain {

Tensor cross_entropy_cuda(const Tensor& logits, const Tensor& targets) {
  cuda::require_float32("cross_entropy", {logits});
  const int64_t n = logits.size(0), k = logits.size(1);
  const std::vector<int64_t> host = cuda::host_indices(targets);
  for (int64_t i = 0; i < n; ++i)
    GRAIN_CHECK(host[i] >= 0 && host[i] < k, "cross_entropy: target " << host[i] << " of sample " << i
                                                                      << " is outside [0, " << k << ")");
  const int device = logits.device().index;
  Tensor loss = Tensor::empty({}, logits.dtype(), logits.device());
  Tensor lse = Tensor::empty({n}, logits.dtype(), logits.device());
  Tensor row_loss = Tensor::empty({n}, logits.dtype(), logits.device());
  kernels::cuda::softmax_nll_forward(cuda::f32(logits), cuda::i64(targets), nullptr, n, k, n, cuda::f32(lse),
                                     cuda::f32(row_loss), cuda::f32(loss), cuda::context(device).stream());
  cuda::after_op("cross_entropy", device);
  record("cross_entropy", {logits, targets}, loss,
         [logits, targets, lse, n, k, device](const Tensor& dy, const std::vector<bool>&) {
           Tensor dx = Tensor::empty(logits.shape(), logits.dtype(), logits.device());
           kernels::cuda::softmax_nll_backward(cuda::f32(logits), cuda::i64(targets), nullptr, cuda::f32(lse),
                                               cuda::f32(dy), n, k, n, cuda::f32(dx), cuda::context(device).stream());
           cuda::after_op("cross_entropy backward", device);
           return std::vector<Tensor>{dx, Tensor()};
         });
  return loss;
}

}  // namespace grain
