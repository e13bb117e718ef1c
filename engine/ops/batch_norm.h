// defines: batch_norm, BatchNormParams — per-channel normalisation, channels-last
#pragma once

#include "engine/tensor.h"

namespace grain {

// Synchronised batch norm's hook: sums a tensor over the processes of a
// data-parallel job, in place, the same call on every process. The op calls
// it only in training: the element count (a CPU float64 [1]), the per-channel
// partial mean and variance (float64 [C] on the op's device), and in the
// backward the per-channel sums of dy and dy xhat (float64 [2, C]). The
// trainer implements it over its communicator
// (engine/distributed/batch_norm_sync.h), so this op knows nothing of MPI or
// NCCL; null (a world of one, or train.sync_batch_norm: false) means this
// process's own statistics and costs nothing.
class CrossProcessSum {
 public:
  virtual ~CrossProcessSum() = default;
  virtual void sum(Tensor& t) = 0;
};

struct BatchNormParams {
  bool training = true;
  double momentum = 0.1;  // running = (1 - momentum) running + momentum batch (PyTorch)
  double eps = 1e-5;
  CrossProcessSum* sync = nullptr;  // training: statistics over every process's batch (see above)
};

// x [..., C] (channels last; statistics over all other dims, M elements per channel),
// gamma, beta [C]; running_mean, running_var [C] (buffers, updated in place in training,
// read in evaluation; may be undefined in training).
// Training: mu, var (biased) over the batch; y = gamma (x - mu) / sqrt(var + eps) + beta;
// the running variance is updated with the unbiased var * M / (M - 1).
// Evaluation: mu, var = the running statistics.
// Backward (training): dx = gamma / sqrt(var + eps) (dy - mean(dy) - xhat mean(dy xhat)),
// dgamma = sum dy xhat, dbeta = sum dy.
// With params.sync, M, mu, var and the two means of the backward are over
// every process's x (M = the sum of the processes' M), so N processes with
// B/N clips each compute what one process computes with B clips; dgamma and
// dbeta stay this process's sums (the gradient all-reduce averages them, and
// the average of the processes' losses is the one-process loss).
Tensor batch_norm(const Tensor& x, const Tensor& gamma, const Tensor& beta, const Tensor& running_mean,
                  const Tensor& running_var, const BatchNormParams& params);

// ---- CUDA backend: defined in batch_norm.cu, compiled only with the CUDA backend;
// batch_norm.cpp reaches it through GRAIN_CUDA_DISPATCH (engine/backend.h).

// Batch normalisation of x [..., C]; updates the running statistics in
// training; records its backward.
Tensor batch_norm_cuda(const Tensor& x, const Tensor& gamma, const Tensor& beta, const Tensor& running_mean,
                       const Tensor& running_var, const BatchNormParams& params);

}  // namespace grain
