// defines: batch_norm, BatchNormParams — per-channel normalisation, channels-last
#pragma once

#include <algorithm>
#include <cstdint>

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

// ---- Backends (engine/backend.h): batch_norm.cpp checks the shapes, runs
// the statistics (and, with params.sync, the synchronisation protocol around
// the hook's sums) and records; GRAIN_DISPATCH calls the _cpu half
// (batch_norm.cpp) or the _cuda half (batch_norm.cu, CUDA builds only). x is
// seen as [M, C]; per-channel vectors are float64 on x's device, summed in
// double in row order on both backends.

// M: x [..., C] seen as [M, C].
inline int64_t batch_norm_rows(const Tensor& x) { return x.numel() / std::max<int64_t>(x.size(-1), 1); }

// What the forward keeps for the backward.
struct BatchNormSaved {
  Tensor statistics;    // float64 [2, C]: the mean, then 1 / sqrt(var + eps), that y was normalised with
  double count = 0;     // M, or the values per channel over every process (sync)
  bool training = true;
};

// Training statistics in one step (no sync): statistics from x's own batch,
// the running statistics (where defined) updated as batch_norm_finish_statistics does.
void batch_norm_statistics_cpu(const Tensor& x, const BatchNormParams& p, const Tensor& statistics,
                               const Tensor& running_mean, const Tensor& running_var);
void batch_norm_statistics_cuda(const Tensor& x, const BatchNormParams& p, const Tensor& statistics,
                                const Tensor& running_mean, const Tensor& running_var);
// The synchronised steps: mean_part [C] = (the sum of x's rows) / count;
void batch_norm_mean_part_cpu(const Tensor& x, double count, const Tensor& mean_part);
void batch_norm_mean_part_cuda(const Tensor& x, double count, const Tensor& mean_part);
// var_part [C] = (the sum over x's rows of (x - mean)^2) / count;
void batch_norm_variance_part_cpu(const Tensor& x, const Tensor& mean, double count, const Tensor& var_part);
void batch_norm_variance_part_cuda(const Tensor& x, const Tensor& mean, double count, const Tensor& var_part);
// from the summed mean and (biased) var: statistics, and the running
// statistics (where defined) = (1 - momentum) running + momentum batch, the
// variance unbiased by count / (count - 1).
void batch_norm_finish_statistics_cpu(const Tensor& mean, const Tensor& var, double count, const BatchNormParams& p,
                                      const Tensor& statistics, const Tensor& running_mean,
                                      const Tensor& running_var);
void batch_norm_finish_statistics_cuda(const Tensor& mean, const Tensor& var, double count, const BatchNormParams& p,
                                       const Tensor& statistics, const Tensor& running_mean,
                                       const Tensor& running_var);
// Evaluation: statistics from the running mean and variance.
void batch_norm_running_statistics_cpu(const Tensor& running_mean, const Tensor& running_var, double eps,
                                       const Tensor& statistics);
void batch_norm_running_statistics_cuda(const Tensor& running_mean, const Tensor& running_var, double eps,
                                        const Tensor& statistics);
// y = gamma (x - mean) inv_std + beta.
void batch_norm_apply_cpu(const Tensor& x, const Tensor& statistics, const Tensor& gamma, const Tensor& beta,
                          const Tensor& y);
void batch_norm_apply_cuda(const Tensor& x, const Tensor& statistics, const Tensor& gamma, const Tensor& beta,
                           const Tensor& y);
// sums float64 [2, C] = the sums over x's rows of dy, then of dy xhat.
void batch_norm_backward_sums_cpu(const Tensor& x, const Tensor& dy, const Tensor& statistics, const Tensor& sums);
void batch_norm_backward_sums_cuda(const Tensor& x, const Tensor& dy, const Tensor& statistics, const Tensor& sums);
// Each where defined: dx = gamma inv_std (dy - sum_dy / count - xhat sum_dy_xhat / count)
// in training, gamma inv_std dy in evaluation; dgamma = sum_dy_xhat, dbeta = sum_dy.
void batch_norm_backward_cpu(const Tensor& x, const Tensor& dy, const BatchNormSaved& saved, const Tensor& gamma,
                             const Tensor& sums, const Tensor& dx, const Tensor& dgamma, const Tensor& dbeta);
void batch_norm_backward_cuda(const Tensor& x, const Tensor& dy, const BatchNormSaved& saved, const Tensor& gamma,
                              const Tensor& sums, const Tensor& dx, const Tensor& dgamma, const Tensor& dbeta);

}  // namespace grain
