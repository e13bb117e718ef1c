// defines: batch_norm_cuda (see batch_norm.h)
//
// Custom kernels (kernels/cuda/pool_norm.h) rather than cuDNN's batch norm:
// the channels-last [M, C] view makes the statistics plain column reductions
// (coalesced, two passes, kernels/cuda/column_reduce.cuh), accumulated in
// double in a fixed order like the CPU reference, so the two backends agree
// closely and the result is deterministic; cuDNN's spatial batch norm would
// need the (M, C, 1, 1) NCHW view and gives neither guarantee. The saved mean and
// 1/std travel to the backward in the node's closure.
//
// Synchronised batch norm (params.sync) splits the statistics around the
// hook's sums (the NCCL all-reduce on this same stream, so no host
// synchronisation): partial mean, sum; partial variance, sum; finish. The
// backward sums dy and dy xhat over the processes for dx only.
// Compiles, not run on a GPU (the sync path).
#include <algorithm>

#include "engine/autograd.h"
#include "engine/cuda/context.h"
#include "engine/cuda/op_support.h"
#include "engine/ops/batch_norm.h"
#include "kernels/cuda/pool_norm.h"

namespace grain {

Tensor batch_norm_cuda(const Tensor& x, const Tensor& gamma, const Tensor& beta, const Tensor& running_mean,
                       const Tensor& running_var, const BatchNormParams& p) {
  cuda::require_float32("batch_norm", {x, gamma, beta, running_mean, running_var});
  const int64_t c = x.size(-1), m = x.numel() / std::max<int64_t>(c, 1);
  const int device = x.device().index;
  cudaStream_t stream = cuda::context(device).stream();
  const bool have_running = running_mean.defined() && running_var.defined();
  Tensor stats = Tensor::empty({2, c}, DType::kFloat64, x.device());  // mean, inv_std
  cuda::DeviceBuffer scratch(device, sizeof(double) * kernels::cuda::batch_norm_scratch(m, c));
  double* mean = static_cast<double*>(stats.raw_data());
  double* inv_std = mean + c;
  CrossProcessSum* const sync = p.training ? p.sync : nullptr;
  double count = static_cast<double>(m);
  if (sync) {
    Tensor n = Tensor::from_vector({count}, {1}, DType::kFloat64);
    sync->sum(n);
    count = n.item();
  }
  if (sync) {
    Tensor mean_part = Tensor::empty({c}, DType::kFloat64, x.device());
    Tensor var_part = Tensor::empty({c}, DType::kFloat64, x.device());
    kernels::cuda::batch_norm_mean_part(cuda::f32(x), m, c, count, static_cast<double*>(mean_part.raw_data()),
                                        scratch.as<double>(), stream);
    sync->sum(mean_part);
    kernels::cuda::batch_norm_variance_part(cuda::f32(x), m, c, static_cast<const double*>(mean_part.raw_data()),
                                            count, static_cast<double*>(var_part.raw_data()), scratch.as<double>(),
                                            stream);
    sync->sum(var_part);
    kernels::cuda::batch_norm_finish_statistics(
        static_cast<const double*>(mean_part.raw_data()), static_cast<const double*>(var_part.raw_data()), c, count,
        p.eps, p.momentum, mean, inv_std, have_running ? cuda::f32(running_mean) : nullptr,
        have_running ? cuda::f32(running_var) : nullptr, stream);
  } else if (p.training) {
    kernels::cuda::batch_norm_statistics(cuda::f32(x), m, c, p.eps, p.momentum, mean, inv_std,
                                         have_running ? cuda::f32(running_mean) : nullptr,
                                         have_running ? cuda::f32(running_var) : nullptr, scratch.as<double>(), stream);
  } else {
    kernels::cuda::batch_norm_running_statistics(cuda::f32(running_mean), cuda::f32(running_var), c, p.eps, mean,
                                                 inv_std, stream);
  }
  Tensor y = Tensor::empty(x.shape(), x.dtype(), x.device());
  kernels::cuda::batch_norm_apply(cuda::f32(x), mean, inv_std, cuda::f32(gamma), cuda::f32(beta), m, c, cuda::f32(y),
                                  stream);
  cuda::after_op("batch_norm", device);
  record("batch_norm", {x, gamma, beta}, y,
         [x, gamma, stats, m, c, count, sync, device, training = p.training](const Tensor& dy,
                                                                             const std::vector<bool>& need) {
           cudaStream_t s = cuda::context(device).stream();
           const double* mu = static_cast<const double*>(stats.raw_data());
           const double* is = mu + c;
           Tensor sums = Tensor::empty({2, c}, DType::kFloat64, dy.device());
           double* sum_dy = static_cast<double*>(sums.raw_data());
           double* sum_dy_xhat = sum_dy + c;
           cuda::DeviceBuffer scratch(device, sizeof(double) * kernels::cuda::batch_norm_scratch(m, c));
           kernels::cuda::batch_norm_backward_sums(cuda::f32(x), cuda::f32(dy), mu, is, m, c, sum_dy, sum_dy_xhat,
                                                   scratch.as<double>(), s);
           Tensor dx, dgamma, dbeta;
           if (need[0]) dx = Tensor::empty(x.shape(), dy.dtype(), dy.device());
           if (need[1]) dgamma = Tensor::empty({c}, dy.dtype(), dy.device());
           if (need[2]) dbeta = Tensor::empty({c}, dy.dtype(), dy.device());
           if (sync && need[0]) {
             // dgamma, dbeta from this process's sums; dx from the sums over every process.
             kernels::cuda::batch_norm_backward(cuda::f32(x), cuda::f32(dy), mu, is, cuda::f32(gamma), sum_dy,
                                                sum_dy_xhat, m, c, count, training, nullptr,
                                                need[1] ? cuda::f32(dgamma) : nullptr,
                                                need[2] ? cuda::f32(dbeta) : nullptr, s);
             sync->sum(sums);
             kernels::cuda::batch_norm_backward(cuda::f32(x), cuda::f32(dy), mu, is, cuda::f32(gamma), sum_dy,
                                                sum_dy_xhat, m, c, count, training, cuda::f32(dx), nullptr, nullptr,
                                                s);
           } else {
             kernels::cuda::batch_norm_backward(cuda::f32(x), cuda::f32(dy), mu, is, cuda::f32(gamma), sum_dy,
                                                sum_dy_xhat, m, c, count, training,
                                                need[0] ? cuda::f32(dx) : nullptr,
                                                need[1] ? cuda::f32(dgamma) : nullptr,
                                                need[2] ? cuda::f32(dbeta) : nullptr, s);
           }
           cuda::after_op("batch_norm backward", device);
           return std::vector<Tensor>{dx, dgamma, dbeta};
         });
  return y;
}

}  // namespace grain
