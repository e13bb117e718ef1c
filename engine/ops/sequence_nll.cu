// defines: sequence_nll_cuda (see sequence_nll.h) — the fused kernel of
// kernels/cuda/softmax_nll.h; only a per-row log-sum-exp is kept for the
// backward, never the N x L x V probabilities.
#include "engine/autograd.h"
#include "engine/cuda/context.h"
#include "engine/cuda/op_support.h"
#include "engine/error.h"
#include "engine/ops/sequence_nll.h"
#include "kernels/cuda/softmax_nll.h"

namespace grain {

Tensor sequence_nll_cuda(const Tensor& logits, const Tensor& targets, const Tensor& mask) {
  cuda::require_float32("sequence_nll", {logits, mask});
  const int64_t n = logits.size(0), l = logits.size(1), v = logits.size(2), rows = n * l;
  const std::vector<int64_t> host = cuda::host_indices(targets);
  for (int64_t i = 0; i < rows; ++i)
    GRAIN_CHECK(host[i] >= 0 && host[i] < v, "sequence_nll: target " << host[i] << " at (" << i / l << "," << i % l
                                                                     << ") is outside the vocabulary [0, " << v << ")");
  const int device = logits.device().index;
  Tensor loss = Tensor::empty({}, logits.dtype(), logits.device());
  Tensor lse = Tensor::empty({rows}, logits.dtype(), logits.device());
  Tensor row_loss = Tensor::empty({rows}, logits.dtype(), logits.device());
  kernels::cuda::softmax_nll_forward(cuda::f32(logits), cuda::i64(targets), cuda::f32(mask), rows, v, n,
                                     cuda::f32(lse), cuda::f32(row_loss), cuda::f32(loss),
                                     cuda::context(device).stream());
  cuda::after_op("sequence_nll", device);
  record("sequence_nll", {logits, targets, mask}, loss,
         [logits, targets, mask, lse, n, rows, v, device](const Tensor& dy, const std::vector<bool>&) {
           Tensor dx = Tensor::empty(logits.shape(), logits.dtype(), logits.device());
           kernels::cuda::softmax_nll_backward(cuda::f32(logits), cuda::i64(targets), cuda::f32(mask),
                                               cuda::f32(lse), cuda::f32(dy), rows, v, n, cuda::f32(dx),
                                               cuda::context(device).stream());
           cuda::after_op("sequence_nll backward", device);
           return std::vector<Tensor>{dx, Tensor(), Tensor()};
         });
  return loss;
}

}  // namespace grain
