// defines: batch_norm, BatchNormParams — per-channel normalisation, channels-last
#pragma once

#include "engine/tensor.h"

namespace grain {

struct BatchNormParams {
  bool training = true;
  double momentum = 0.1;  // running = (1 - momentum) running + momentum batch (PyTorch)
  double eps = 1e-5;
};

// x [..., C] (channels last; statistics over all other dims, M elements per channel),
// gamma, beta [C]; running_mean, running_var [C] (buffers, updated in place in training,
// read in evaluation; may be undefined in training).
// Training: mu, var (biased) over the batch; y = gamma (x - mu) / sqrt(var + eps) + beta;
// the running variance is updated with the unbiased var * M / (M - 1).
// Evaluation: mu, var = the running statistics.
// Backward (training): dx = gamma / sqrt(var + eps) (dy - mean(dy) - xhat mean(dy xhat)),
// dgamma = sum dy xhat, dbeta = sum dy.
Tensor batch_norm(const Tensor& x, const Tensor& gamma, const Tensor& beta, const Tensor& running_mean,
                  const Tensor& running_var, const BatchNormParams& params);

// ---- CUDA backend: defined in batch_norm.cu, compiled only with the CUDA backend;
// batch_norm.cpp reaches it through GRAIN_CUDA_DISPATCH (engine/backend.h).

// Batch normalisation of x [..., C]; updates the running statistics in
// training; records its backward.
Tensor batch_norm_cuda(const Tensor& x, const Tensor& gamma, const Tensor& beta, const Tensor& running_mean,
                       const Tensor& running_var, const BatchNormParams& params);

}  // namespace grain
