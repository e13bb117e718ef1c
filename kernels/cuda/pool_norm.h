// defines: grain::kernels::cuda max_pool3d forward, batch-norm statistics,
//          normalisation and backward — channels-last (rows of C values)
//
// Max pooling records the input index of each window's first maximum (ties
// go to the lowest (t, h, w), as on the CPU), so the backward is a scatter
// (reduce.h scatter_add). Batch norm treats x as [M, C]: the statistics are
// per-column reductions accumulated in double, like the CPU reference.
#pragma once

#include <cuda_runtime.h>

#include <cstdint>

namespace grain::kernels::cuda {

struct PoolGeometry {
  int64_t n, d, h, w, c;     // input (N, T, H, W, C)
  int64_t od, oh, ow;        // output
  int64_t kd, kh, kw;        // window
  int64_t sd, sh, sw;        // stride
};

void max_pool3d_forward(const float* x, const PoolGeometry& g, float* y, int64_t* argmax, cudaStream_t stream);

// Doubles of scratch the statistics and backward sums need.
int64_t batch_norm_scratch(int64_t m, int64_t c);
// mean[c], inv_std[c] = 1 / sqrt(var + eps) with the biased batch variance;
// if running_mean/var are non-null they are updated in place:
// running = (1 - momentum) running + momentum batch (variance unbiased, M / (M - 1)).
void batch_norm_statistics(const float* x, int64_t m, int64_t c, double eps, double momentum, double* mean,
                           double* inv_std, float* running_mean, float* running_var, double* scratch,
                           cudaStream_t stream);
// Synchronised batch norm (the statistics of several processes' batches),
// in three steps around the caller's sums over processes:
// mean_part[c] = (sum over this process's rows of x) / count;
void batch_norm_mean_part(const float* x, int64_t m, int64_t c, double count, double* mean_part, double* scratch,
                          cudaStream_t stream);
// var_part[c] = (sum over this process's rows of (x - mean)^2) / count;
void batch_norm_variance_part(const float* x, int64_t m, int64_t c, const double* mean, double count, double* var_part,
                              double* scratch, cudaStream_t stream);
// from the summed mean and (biased) var: mean_out = mean, inv_std = 1 / sqrt(var + eps), and the running
// statistics updated as batch_norm_statistics does with M = count.
void batch_norm_finish_statistics(const double* mean, const double* var, int64_t c, double count, double eps,
                                  double momentum, double* mean_out, double* inv_std, float* running_mean,
                                  float* running_var, cudaStream_t stream);
// From running statistics (evaluation).
void batch_norm_running_statistics(const float* running_mean, const float* running_var, int64_t c, double eps,
                                   double* mean, double* inv_std, cudaStream_t stream);
// y = gamma (x - mean) inv_std + beta
void batch_norm_apply(const float* x, const double* mean, const double* inv_std, const float* gamma, const float* beta,
                      int64_t m, int64_t c, float* y, cudaStream_t stream);
// sum_dy[c] = sum dy, sum_dy_xhat[c] = sum dy xhat (double, deterministic).
void batch_norm_backward_sums(const float* x, const float* dy, const double* mean, const double* inv_std, int64_t m,
                              int64_t c, double* sum_dy, double* sum_dy_xhat, double* scratch, cudaStream_t stream);
// dx = gamma inv_std (dy - sum_dy / count - xhat sum_dy_xhat / count) in training (count = M, or
// the values per channel over every process with synchronised batch norm), gamma inv_std dy in
// evaluation; dgamma = sum_dy_xhat, dbeta = sum_dy (each if non-null). m rows of c channels.
void batch_norm_backward(const float* x, const float* dy, const double* mean, const double* inv_std, const float* gamma,
                         const double* sum_dy, const double* sum_dy_xhat, int64_t m, int64_t c, double count,
                         bool training, float* dx, float* dgamma, float* dbeta, cudaStream_t stream);

}  // namespace grain::kernels::cuda
