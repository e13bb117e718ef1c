// defines: time_average_cuda (see time_average.h)
#include "engine/autograd.h"
#include "engine/cuda/context.h"
#include "engine/cuda/op_support.h"
#include "engine/ops/time_average.h"
#include "kernels/cuda/sequence_kernels.h"

namespace grain {

Tensor time_average_cuda(const Tensor& x) {
  cuda::require_float32("time_average", {x});
  const int64_t n = x.size(0), t = x.size(1), c = x.size(2);
  const int device = x.device().index;
  Tensor h = Tensor::empty({n, c}, x.dtype(), x.device());
  kernels::cuda::time_average_forward(cuda::f32(x), n, t, c, cuda::f32(h), cuda::context(device).stream());
  cuda::after_op("time_average", device);
  record("time_average", {x}, h, [n, t, c, device](const Tensor& dh, const std::vector<bool>&) {
    Tensor dx = Tensor::empty({n, t, c}, dh.dtype(), dh.device());
    kernels::cuda::time_average_backward(cuda::f32(dh), n, t, c, cuda::f32(dx), cuda::context(device).stream());
    cuda::after_op("time_average backward", device);
    return std::vector<Tensor>{dx};
  });
  return h;
}

}  // namespace grain
