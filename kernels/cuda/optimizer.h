// defines: grain::kernels::cuda::adam_update — one kernel over the flat buffers
//
// Parameters, gradients and both moments live in flat buffers (one entry per
// scalar of the model), so a whole optimizer step is one launch.
#pragma once

#include <cuda_runtime.h>

#include <cstdint>

namespace grain::kernels::cuda {

struct AdamConfig {
  float lr = 1e-3f;
  float beta1 = 0.9f;
  float beta2 = 0.999f;
  float eps = 1e-8f;
  float weight_decay = 0.f;  // L2 as in torch.optim.Adam: g += weight_decay p
  int64_t step = 1;          // 1-based, for the bias corrections
};

// The same arithmetic, in the same order, as the CPU Adam of
// engine/optim/optimizer.cpp (torch.optim.Adam's form):
//   g' = grad_scale g + weight_decay p            (grad_scale carries clipping)
//   m = b1 m + (1 - b1) g',  v = b2 v + (1 - b2) g'^2
//   p -= step_size m / (sqrt(v) / sqrt(1 - b2^step) + eps),  step_size = lr / (1 - b1^step)
// grad_scale is read from device memory (null = 1), so a clipping factor
// computed on the device needs no host round trip.
void adam_update(float* params, const float* grads, float* m, float* v, int64_t n, const AdamConfig& config,
                 const float* grad_scale, cudaStream_t stream);

// buf = first ? g' : momentum buf + g';  p -= lr buf;  g' = g + weight_decay p  (engine Sgd).
void sgd_update(float* params, const float* grads, float* buf, int64_t n, float lr, float momentum,
                float weight_decay, bool first, cudaStream_t stream);

// x *= factor (gradient clipping on the host-known factor).
void scale_in_place(float* x, int64_t n, float factor, cudaStream_t stream);

}  // namespace grain::kernels::cuda
