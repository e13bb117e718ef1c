// defines: embedding_cuda (see embedding.h)
#include "engine/autograd.h"
#include "engine/cuda/context.h"
#include "engine/cuda/op_support.h"
#include "engine/error.h"
#include "engine/ops/embedding.h"
#include "kernels/cuda/sequence_kernels.h"

namespace grain {

Tensor embedding_cuda(const Tensor& ids, const Tensor& weight) {
  cuda::require_float32("embedding", {weight});
  const int64_t vocab = weight.size(0), width = weight.size(1), n = ids.numel();
  // An id outside the table would read out of bounds on the device: check on
  // the host (ids are a few hundred values per batch).
  const std::vector<int64_t> host = cuda::host_indices(ids);
  for (int64_t i = 0; i < n; ++i)
    GRAIN_CHECK(host[i] >= 0 && host[i] < vocab, "embedding: id " << host[i] << " at position " << i
                                                                  << " is outside the vocabulary [0, " << vocab << ")");
  Shape out_shape = ids.shape();
  out_shape.push_back(width);
  const int device = weight.device().index;
  Tensor y = Tensor::empty(out_shape, weight.dtype(), weight.device());
  kernels::cuda::embedding_forward(cuda::i64(ids), n, cuda::f32(weight), width, cuda::f32(y),
                                   cuda::context(device).stream());
  cuda::after_op("embedding", device);
  record("embedding", {ids, weight}, y, [ids, vocab, width, device](const Tensor& dy, const std::vector<bool>&) {
    Tensor dw = Tensor::empty({vocab, width}, dy.dtype(), dy.device());
    kernels::cuda::embedding_backward(cuda::i64(ids), ids.numel(), cuda::f32(dy), vocab, width, cuda::f32(dw),
                                      cuda::context(device).stream());
    cuda::after_op("embedding backward", device);
    return std::vector<Tensor>{Tensor(), dw};
  });
  return y;
}

}  // namespace grain
