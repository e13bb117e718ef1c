// defines: embedding_forward_cuda, embedding_backward_cuda (see embedding.h)
#include "engine/cuda/context.h"
#include "engine/cuda/op_support.h"
#include "engine/ops/embedding.h"
#include "kernels/cuda/sequence_kernels.h"

namespace grain {

void embedding_forward_cuda(const Tensor& ids, const Tensor& weight, const Tensor& y) {
  kernels::cuda::embedding_forward(cuda::i64(ids), ids.numel(), cuda::f32(weight), weight.size(1), cuda::f32(y),
                                   cuda::context(weight.device()).stream());
}

void embedding_backward_cuda(const Tensor& ids, const Tensor& dy, const Tensor& dweight) {
  kernels::cuda::embedding_backward(cuda::i64(ids), ids.numel(), cuda::f32(dy), dweight.size(0), dweight.size(1),
                                    cuda::f32(dweight), cuda::context(dy.device()).stream());
}

}  // namespace grain
