// defines: the CUDA optimizer steps over flat buffers (see flat_optim.h)
#include "engine/cuda/flat_optim.h"

#include <algorithm>
#include <cmath>

#include "engine/cuda/check.h"
#include "engine/cuda/context.h"
#include "engine/cuda/op_support.h"
#include "kernels/cuda/optimizer.h"
#include "kernels/cuda/reduce.h"

namespace grain::cuda {

void adam_step(const Tensor& params, const Tensor& grads, const Tensor& m, const Tensor& v, const Ranges& ranges,
               double lr, double beta1, double beta2, double eps, double weight_decay, int64_t step) {
  require_float32("adam", {params, grads, m, v});
  kernels::cuda::AdamConfig c;
  c.lr = static_cast<float>(lr);
  c.beta1 = static_cast<float>(beta1);
  c.beta2 = static_cast<float>(beta2);
  c.eps = static_cast<float>(eps);
  c.weight_decay = static_cast<float>(weight_decay);
  c.step = step;
  cudaStream_t s = context(params.device()).stream();
  for (const auto& [offset, count] : ranges)
    kernels::cuda::adam_update(f32(params) + offset, f32(grads) + offset, f32(m) + offset, f32(v) + offset, count, c,
                               nullptr, s);
  after_op("adam", params.device().index);
}

void sgd_step(const Tensor& params, const Tensor& grads, const Tensor& buf, const Ranges& ranges, double lr,
              double momentum, double weight_decay, bool first) {
  require_float32("sgd", {params, grads, buf});
  cudaStream_t s = context(params.device()).stream();
  for (const auto& [offset, count] : ranges)
    kernels::cuda::sgd_update(f32(params) + offset, f32(grads) + offset, f32(buf) + offset, count,
                              static_cast<float>(lr), static_cast<float>(momentum), static_cast<float>(weight_decay),
                              first, s);
  after_op("sgd", params.device().index);
}

double grad_norm(const Tensor& grads, const Ranges& ranges) {
  require_float32("grad_norm", {grads});
  const int device = grads.device().index;
  cudaStream_t s = context(device).stream();
  // One norm per range, combined on the host in range order (deterministic).
  double total = 0;
  DeviceBuffer out(device, sizeof(float) * std::max<size_t>(ranges.size(), 1));
  DeviceBuffer partials(device, sizeof(float) * kernels::cuda::partials_size(0));
  for (size_t i = 0; i < ranges.size(); ++i)
    kernels::cuda::l2_norm(f32(grads) + ranges[i].first, ranges[i].second, partials.as<float>(),
                           out.as<float>() + i, s);
  std::vector<float> norms(ranges.size());
  if (!ranges.empty()) {
    GRAIN_CUDA_CHECK(cudaMemcpyAsync(norms.data(), out.data(), sizeof(float) * ranges.size(), cudaMemcpyDeviceToHost, s));
    GRAIN_CUDA_CHECK(cudaStreamSynchronize(s));
  }
  for (float n : norms) total += static_cast<double>(n) * n;
  return std::sqrt(total);
}

void scale_ranges(const Tensor& grads, const Ranges& ranges, double factor) {
  require_float32("clip_grad_norm", {grads});
  cudaStream_t s = context(grads.device()).stream();
  for (const auto& [offset, count] : ranges)
    kernels::cuda::scale_in_place(f32(grads) + offset, count, static_cast<float>(factor), s);
  after_op("clip_grad_norm", grads.device().index);
}

}  // namespace grain::cuda
