// defines: time_average_forward_cuda, time_average_backward_cuda (see time_average.h)
#include "engine/cuda/context.h"
#include "engine/cuda/op_support.h"
#include "engine/ops/time_average.h"
#include "kernels/cuda/sequence_kernels.h"

namespace grain {

void time_average_forward_cuda(const Tensor& x, const Tensor& h) {
  const int64_t n = x.size(0), t = x.size(1), c = x.size(2);
  kernels::cuda::time_average_forward(cuda::f32(x), n, t, c, cuda::f32(h), cuda::context(x.device()).stream());
}

void time_average_backward_cuda(const Tensor& dh, const Tensor& dx) {
  const int64_t n = dx.size(0), t = dx.size(1), c = dx.size(2);
  kernels::cuda::time_average_backward(cuda::f32(dh), n, t, c, cuda::f32(dx), cuda::context(dh.device()).stream());
}

}  // namespace grain
