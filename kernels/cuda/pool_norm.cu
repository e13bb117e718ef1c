// defines: max pooling and batch-norm kernels (see pool_norm.h)
#include "kernels/cuda/pool_norm.h"

#include "kernels/cuda/column_reduce.cuh"
#include "kernels/cuda/common.cuh"

namespace grain::kernels::cuda {

namespace {

__global__ void max_pool_kernel(const float* x, PoolGeometry g, float* y, int64_t* argmax) {
  const int64_t total = g.n * g.od * g.oh * g.ow * g.c;
  GRAIN_GRID_STRIDE(i, total) {
    const int64_t ch = i % g.c, o = i / g.c;
    const int64_t b = o / (g.od * g.oh * g.ow), t = (o / (g.oh * g.ow)) % g.od, r = (o / g.ow) % g.oh,
                  q = o % g.ow;
    int64_t best = -1;
    float best_value = 0.f;
    for (int64_t a = 0; a < g.kd; ++a)
      for (int64_t bb = 0; bb < g.kh; ++bb)
        for (int64_t cc = 0; cc < g.kw; ++cc) {
          const int64_t idx =
              ((((b * g.d) + t * g.sd + a) * g.h + r * g.sh + bb) * g.w + q * g.sw + cc) * g.c + ch;
          const float v = x[idx];
          if (best < 0 || v > best_value) {
            best = idx;
            best_value = v;
          }
        }
    y[i] = best_value;
    argmax[i] = best;
  }
}

// Batch-norm statistics as column reductions (column_reduce.cuh): a first
// pass for the mean, a second for the squared deviations from it (the
// two-pass form the CPU uses, stable where E[x^2] - mean^2 would cancel).
struct StoreMean {
  double* mean;
  int64_t m;
  __device__ void operator()(int64_t ch, const double* total) const { mean[ch] = total[0] / m; }
};
struct SquaredDeviation {
  const float* x;
  const double* mean;
  int64_t c;
  __device__ void operator()(int64_t r, int64_t ch, double* out) const {
    const double d = x[r * c + ch] - mean[ch];
    out[0] += d * d;
  }
};
struct StoreVariance {
  const double* mean;
  double* inv_std;
  float* running_mean;
  float* running_var;
  int64_t m;
  double eps, momentum;
  __device__ void operator()(int64_t ch, const double* total) const {
    const double var = total[0] / m;
    inv_std[ch] = 1.0 / sqrt(var + eps);
    if (running_mean) {
      running_mean[ch] = static_cast<float>((1 - momentum) * running_mean[ch] + momentum * mean[ch]);
      running_var[ch] = static_cast<float>((1 - momentum) * running_var[ch] + momentum * var * m / (m - 1));
    }
  }
};
struct StoreScaled {
  double* out;
  double count;
  __device__ void operator()(int64_t ch, const double* total) const { out[ch] = total[0] / count; }
};
struct BackwardTerms {
  const float* x;
  const float* dy;
  const double* mean;
  const double* inv_std;
  int64_t c;
  __device__ void operator()(int64_t r, int64_t ch, double* out) const {
    const double g = dy[r * c + ch];
    out[0] += g;
    out[1] += g * (x[r * c + ch] - mean[ch]) * inv_std[ch];
  }
};
struct StoreBackwardSums {
  double* sum_dy;
  double* sum_dy_xhat;
  __device__ void operator()(int64_t ch, const double* total) const {
    sum_dy[ch] = total[0];
    sum_dy_xhat[ch] = total[1];
  }
};

__global__ void bn_finish_kernel(const double* mean, const double* var, int64_t c, double count, double eps,
                                 double momentum, double* mean_out, double* inv_std, float* running_mean,
                                 float* running_var) {
  GRAIN_GRID_STRIDE(ch, c) {
    mean_out[ch] = mean[ch];
    inv_std[ch] = 1.0 / sqrt(var[ch] + eps);
    if (running_mean) {
      running_mean[ch] = static_cast<float>((1 - momentum) * running_mean[ch] + momentum * mean[ch]);
      running_var[ch] = static_cast<float>((1 - momentum) * running_var[ch] + momentum * var[ch] * count / (count - 1));
    }
  }
}

__global__ void bn_running_kernel(const float* rm, const float* rv, int64_t c, double eps, double* mean,
                                  double* inv_std) {
  GRAIN_GRID_STRIDE(ch, c) {
    mean[ch] = rm[ch];
    inv_std[ch] = 1.0 / sqrt(static_cast<double>(rv[ch]) + eps);
  }
}

__global__ void bn_apply_kernel(const float* x, const double* mean, const double* inv_std, const float* gamma,
                                const float* beta, int64_t m, int64_t c, float* y) {
  GRAIN_GRID_STRIDE(i, m * c) {
    const int64_t ch = i % c;
    y[i] = static_cast<float>(gamma[ch] * (x[i] - mean[ch]) * inv_std[ch] + beta[ch]);
  }
}

__global__ void bn_backward_kernel(const float* x, const float* dy, const double* mean, const double* inv_std,
                                   const float* gamma, const double* sum_dy, const double* sum_dy_xhat, int64_t m,
                                   int64_t c, double count, bool training, float* dx) {
  GRAIN_GRID_STRIDE(i, m * c) {
    const int64_t ch = i % c;
    const double scale = gamma[ch] * inv_std[ch];
    if (training) {
      const double xhat = (x[i] - mean[ch]) * inv_std[ch];
      dx[i] = static_cast<float>(scale * (dy[i] - sum_dy[ch] / count - xhat * sum_dy_xhat[ch] / count));
    } else {
      dx[i] = static_cast<float>(scale * dy[i]);
    }
  }
}

__global__ void bn_param_grads_kernel(const double* sum_dy, const double* sum_dy_xhat, int64_t c, float* dgamma,
                                      float* dbeta) {
  GRAIN_GRID_STRIDE(ch, c) {
    if (dgamma) dgamma[ch] = static_cast<float>(sum_dy_xhat[ch]);
    if (dbeta) dbeta[ch] = static_cast<float>(sum_dy[ch]);
  }
}

}  // namespace

void max_pool3d_forward(const float* x, const PoolGeometry& g, float* y, int64_t* argmax, cudaStream_t stream) {
  const int64_t total = g.n * g.od * g.oh * g.ow * g.c;
  if (total == 0) return;
  max_pool_kernel<<<grid_for(total), kBlock, 0, stream>>>(x, g, y, argmax);
  GRAIN_KERNEL_CHECK("max_pool3d_forward");
}

int64_t batch_norm_scratch(int64_t m, int64_t c) { return 2 * column_chunks(m) * c; }

void batch_norm_statistics(const float* x, int64_t m, int64_t c, double eps, double momentum, double* mean,
                           double* inv_std, float* running_mean, float* running_var, double* scratch,
                           cudaStream_t stream) {
  if (c == 0) return;
  column_reduce<1>(ColumnValues{x, c}, StoreMean{mean, m}, m, c, scratch, stream);
  column_reduce<1>(SquaredDeviation{x, mean, c},
                   StoreVariance{mean, inv_std, running_mean, running_var, m, eps, momentum}, m, c, scratch, stream);
  GRAIN_KERNEL_CHECK("batch_norm_statistics");
}

void batch_norm_mean_part(const float* x, int64_t m, int64_t c, double count, double* mean_part, double* scratch,
                          cudaStream_t stream) {
  if (c == 0) return;
  column_reduce<1>(ColumnValues{x, c}, StoreScaled{mean_part, count}, m, c, scratch, stream);
  GRAIN_KERNEL_CHECK("batch_norm_mean_part");
}

void batch_norm_variance_part(const float* x, int64_t m, int64_t c, const double* mean, double count, double* var_part,
                              double* scratch, cudaStream_t stream) {
  if (c == 0) return;
  column_reduce<1>(SquaredDeviation{x, mean, c}, StoreScaled{var_part, count}, m, c, scratch, stream);
  GRAIN_KERNEL_CHECK("batch_norm_variance_part");
}

void batch_norm_finish_statistics(const double* mean, const double* var, int64_t c, double count, double eps,
                                  double momentum, double* mean_out, double* inv_std, float* running_mean,
                                  float* running_var, cudaStream_t stream) {
  if (c == 0) return;
  bn_finish_kernel<<<grid_for(c), kBlock, 0, stream>>>(mean, var, c, count, eps, momentum, mean_out, inv_std,
                                                       running_mean, running_var);
  GRAIN_KERNEL_CHECK("batch_norm_finish_statistics");
}

void batch_norm_running_statistics(const float* running_mean, const float* running_var, int64_t c, double eps,
                                   double* mean, double* inv_std, cudaStream_t stream) {
  if (c == 0) return;
  bn_running_kernel<<<grid_for(c), kBlock, 0, stream>>>(running_mean, running_var, c, eps, mean, inv_std);
  GRAIN_KERNEL_CHECK("batch_norm_running_statistics");
}

void batch_norm_apply(const float* x, const double* mean, const double* inv_std, const float* gamma, const float* beta,
                      int64_t m, int64_t c, float* y, cudaStream_t stream) {
  if (m * c == 0) return;
  bn_apply_kernel<<<grid_for(m * c), kBlock, 0, stream>>>(x, mean, inv_std, gamma, beta, m, c, y);
  GRAIN_KERNEL_CHECK("batch_norm_apply");
}

void batch_norm_backward_sums(const float* x, const float* dy, const double* mean, const double* inv_std, int64_t m,
                              int64_t c, double* sum_dy, double* sum_dy_xhat, double* scratch, cudaStream_t stream) {
  if (c == 0) return;
  column_reduce<2>(BackwardTerms{x, dy, mean, inv_std, c}, StoreBackwardSums{sum_dy, sum_dy_xhat}, m, c, scratch,
                   stream);
  GRAIN_KERNEL_CHECK("batch_norm_backward_sums");
}

void batch_norm_backward(const float* x, const float* dy, const double* mean, const double* inv_std, const float* gamma,
                         const double* sum_dy, const double* sum_dy_xhat, int64_t m, int64_t c, double count,
                         bool training, float* dx, float* dgamma, float* dbeta, cudaStream_t stream) {
  if (dx && m * c > 0) {
    bn_backward_kernel<<<grid_for(m * c), kBlock, 0, stream>>>(x, dy, mean, inv_std, gamma, sum_dy, sum_dy_xhat, m, c,
                                                               count, training, dx);
    GRAIN_KERNEL_CHECK("batch_norm_backward dx");
  }
  if ((dgamma || dbeta) && c > 0) {
    bn_param_grads_kernel<<<grid_for(c), kBlock, 0, stream>>>(sum_dy, sum_dy_xhat, c, dgamma, dbeta);
    GRAIN_KERNEL_CHECK("batch_norm_backward params");
  }
}

}  // namespace grain::kernels::cuda
