// defines: adam_update (see optimizer.h)
#include "kernels/cuda/optimizer.h"

#include <cmath>

#include "kernels/cuda/common.cuh"

namespace grain::kernels::cuda {

namespace {
__global__ void adam_kernel(float* params, const float* grads, float* m, float* v, int64_t n, float b1, float one_b1,
                            float b2, float one_b2, float wd, float eps, float step_size, float bias2_sqrt,
                            const float* grad_scale) {
  const float s = grad_scale ? grad_scale[0] : 1.f;
  GRAIN_GRID_STRIDE(i, n) {
    const float p = params[i];
    const float g = (grad_scale ? s * grads[i] : grads[i]) + wd * p;
    const float mi = b1 * m[i] + one_b1 * g;
    const float vi = b2 * v[i] + one_b2 * g * g;
    m[i] = mi;
    v[i] = vi;
    const float denom = sqrtf(vi) / bias2_sqrt + eps;
    params[i] = p - step_size * mi / denom;
  }
}

__global__ void sgd_kernel(float* params, const float* grads, float* buf, int64_t n, float lr, float mu, float wd,
                           bool first) {
  GRAIN_GRID_STRIDE(i, n) {
    const float g = grads[i] + wd * params[i];
    const float b = (first || mu == 0.f) ? g : mu * buf[i] + g;
    buf[i] = b;
    params[i] -= lr * b;
  }
}

__global__ void scale_in_place_kernel(float* x, int64_t n, float factor) {
  GRAIN_GRID_STRIDE(i, n) x[i] *= factor;
}
}  // namespace

void adam_update(float* params, const float* grads, float* m, float* v, int64_t n, const AdamConfig& c,
                 const float* grad_scale, cudaStream_t stream) {
  if (n == 0) return;
  // Scalars in double on the host, then rounded once, as the CPU does.
  const double b1 = c.beta1, b2 = c.beta2, t = static_cast<double>(c.step);
  const float step_size = static_cast<float>(c.lr / (1.0 - std::pow(b1, t)));
  const float bias2_sqrt = static_cast<float>(std::sqrt(1.0 - std::pow(b2, t)));
  adam_kernel<<<grid_for(n), kBlock, 0, stream>>>(params, grads, m, v, n, static_cast<float>(b1),
                                                  static_cast<float>(1 - b1), static_cast<float>(b2),
                                                  static_cast<float>(1 - b2), c.weight_decay, c.eps, step_size,
                                                  bias2_sqrt, grad_scale);
  GRAIN_KERNEL_CHECK("adam_update");
}

void sgd_update(float* params, const float* grads, float* buf, int64_t n, float lr, float momentum,
                float weight_decay, bool first, cudaStream_t stream) {
  if (n == 0) return;
  sgd_kernel<<<grid_for(n), kBlock, 0, stream>>>(params, grads, buf, n, lr, momentum, weight_decay, first);
  GRAIN_KERNEL_CHECK("sgd_update");
}

void scale_in_place(float* x, int64_t n, float factor, cudaStream_t stream) {
  if (n == 0) return;
  scale_in_place_kernel<<<grid_for(n), kBlock, 0, stream>>>(x, n, factor);
  GRAIN_KERNEL_CHECK("scale_in_place");
}

}  // namespace grain::kernels::cuda
