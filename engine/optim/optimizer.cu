// defines: the CUDA halves of the optimizers over flat buffers (see
// optimizer.h): one kernel per trainable range (a handful per model), with
// the CPU optimizer's arithmetic in the same order (kernels/cuda/optimizer.h).
#include "engine/optim/optimizer.h"

#include <algorithm>
#include <cmath>

#include "engine/cuda/check.h"
#include "engine/cuda/context.h"
#include "engine/cuda/op_support.h"
#include "kernels/cuda/optimizer.h"
#include "kernels/cuda/reduce.h"

namespace grain {

void adam_step_cuda(const Tensor& params, const Tensor& grads, const Tensor& m, const Tensor& v,
                    const ParameterRanges& ranges, double lr, double beta1, double beta2, double eps,
                    double weight_decay, int64_t step) {
  cuda::require_float32("adam", {params, grads, m, v});
  kernels::cuda::AdamConfig c;
  c.lr = static_cast<float>(lr);
  c.beta1 = static_cast<float>(beta1);
  c.beta2 = static_cast<float>(beta2);
  c.eps = static_cast<float>(eps);
  c.weight_decay = static_cast<float>(weight_decay);
  c.step = step;
  cudaStream_t s = cuda::context(params.device()).stream();
  for (const auto& [offset, count] : ranges)
    kernels::cuda::adam_update(cuda::f32(params) + offset, cuda::f32(grads) + offset, cuda::f32(m) + offset,
                               cuda::f32(v) + offset, count, c, nullptr, s);
  cuda::after_op("adam", params.device().index);
}

void sgd_step_cuda(const Tensor& params, const Tensor& grads, const Tensor& buf, const ParameterRanges& ranges,
                   double lr, double momentum, double weight_decay, bool first) {
  cuda::require_float32("sgd", {params, grads, buf});
  cudaStream_t s = cuda::context(params.device()).stream();
  for (const auto& [offset, count] : ranges)
    kernels::cuda::sgd_update(cuda::f32(params) + offset, cuda::f32(grads) + offset, cuda::f32(buf) + offset, count,
                              static_cast<float>(lr), static_cast<float>(momentum), static_cast<float>(weight_decay),
                              first, s);
  cuda::after_op("sgd", params.device().index);
}

double grad_norm_cuda(const Tensor& grads, const ParameterRanges& ranges) {
  cuda::require_float32("grad_norm", {grads});
  const int device = grads.device().index;
  cudaStream_t s = cuda::context(device).stream();
  // One norm per range, combined on the host in range order (deterministic).
  double total = 0;
  cuda::DeviceBuffer out(device, sizeof(float) * std::max<size_t>(ranges.size(), 1));
  cuda::DeviceBuffer partials(device, sizeof(float) * kernels::cuda::partials_size(0));
  for (size_t i = 0; i < ranges.size(); ++i)
    kernels::cuda::l2_norm(cuda::f32(grads) + ranges[i].first, ranges[i].second, partials.as<float>(),
                           out.as<float>() + i, s);
  std::vector<float> norms(ranges.size());
  if (!ranges.empty()) {
    GRAIN_CUDA_CHECK(
        cudaMemcpyAsync(norms.data(), out.data(), sizeof(float) * ranges.size(), cudaMemcpyDeviceToHost, s));
    GRAIN_CUDA_CHECK(cudaStreamSynchronize(s));
  }
  for (float n : norms) total += static_cast<double>(n) * n;
  return std::sqrt(total);
}

void scale_ranges_cuda(const Tensor& grads, const ParameterRanges& ranges, double factor) {
  cuda::require_float32("clip_grad_norm", {grads});
  cudaStream_t s = cuda::context(grads.device()).stream();
  for (const auto& [offset, count] : ranges)
    kernels::cuda::scale_in_place(cuda::f32(grads) + offset, count, static_cast<float>(factor), s);
  cuda::after_op("clip_grad_norm", grads.device().index);
}

}  // namespace grain
