// defines: the CUDA arithmetic of batch_norm (see batch_norm.h)
//
// Custom kernels (kernels/cuda/pool_norm.h) rather than cuDNN's batch norm:
// the channels-last [M, C] view makes the statistics plain column reductions
// (coalesced, two passes, kernels/cuda/column_reduce.cuh), accumulated in
// double in a fixed order like the CPU reference, so the two backends agree
// closely and the result is deterministic; cuDNN's spatial batch norm would
// need the (M, C, 1, 1) NCHW view and gives neither guarantee. The
// synchronisation protocol around these steps is batch_norm.cpp's.
// Compiles, not run on a GPU (the sync path).
#include "engine/cuda/context.h"
#include "engine/cuda/op_support.h"
#include "engine/ops/batch_norm.h"
#include "kernels/cuda/pool_norm.h"

namespace grain {

namespace {
double* f64(const Tensor& t) { return static_cast<double*>(t.raw_data()); }
float* f32_or_null(const Tensor& t) { return t.defined() ? cuda::f32(t) : nullptr; }
cudaStream_t stream_of(const Tensor& t) { return cuda::context(t.device()).stream(); }
}  // namespace

void batch_norm_statistics_cuda(const Tensor& x, const BatchNormParams& p, const Tensor& statistics,
                                const Tensor& running_mean, const Tensor& running_var) {
  const int64_t c = x.size(-1), m = batch_norm_rows(x);
  cuda::DeviceBuffer scratch(x.device().index, sizeof(double) * kernels::cuda::batch_norm_scratch(m, c));
  kernels::cuda::batch_norm_statistics(cuda::f32(x), m, c, p.eps, p.momentum, f64(statistics), f64(statistics) + c,
                                       f32_or_null(running_mean), f32_or_null(running_var), scratch.as<double>(),
                                       stream_of(x));
}

void batch_norm_mean_part_cuda(const Tensor& x, double count, const Tensor& mean_part) {
  const int64_t c = x.size(-1), m = batch_norm_rows(x);
  cuda::DeviceBuffer scratch(x.device().index, sizeof(double) * kernels::cuda::batch_norm_scratch(m, c));
  kernels::cuda::batch_norm_mean_part(cuda::f32(x), m, c, count, f64(mean_part), scratch.as<double>(), stream_of(x));
}

void batch_norm_variance_part_cuda(const Tensor& x, const Tensor& mean, double count, const Tensor& var_part) {
  const int64_t c = x.size(-1), m = batch_norm_rows(x);
  cuda::DeviceBuffer scratch(x.device().index, sizeof(double) * kernels::cuda::batch_norm_scratch(m, c));
  kernels::cuda::batch_norm_variance_part(cuda::f32(x), m, c, f64(mean), count, f64(var_part), scratch.as<double>(),
                                          stream_of(x));
}

void batch_norm_finish_statistics_cuda(const Tensor& mean, const Tensor& var, double count, const BatchNormParams& p,
                                       const Tensor& statistics, const Tensor& running_mean,
                                       const Tensor& running_var) {
  const int64_t c = mean.numel();
  kernels::cuda::batch_norm_finish_statistics(f64(mean), f64(var), c, count, p.eps, p.momentum, f64(statistics),
                                              f64(statistics) + c, f32_or_null(running_mean),
                                              f32_or_null(running_var), stream_of(mean));
}

void batch_norm_running_statistics_cuda(const Tensor& running_mean, const Tensor& running_var, double eps,
                                        const Tensor& statistics) {
  const int64_t c = running_mean.numel();
  kernels::cuda::batch_norm_running_statistics(cuda::f32(running_mean), cuda::f32(running_var), c, eps,
                                               f64(statistics), f64(statistics) + c, stream_of(running_mean));
}

void batch_norm_apply_cuda(const Tensor& x, const Tensor& statistics, const Tensor& gamma, const Tensor& beta,
                           const Tensor& y) {
  const int64_t c = x.size(-1), m = batch_norm_rows(x);
  kernels::cuda::batch_norm_apply(cuda::f32(x), f64(statistics), f64(statistics) + c, cuda::f32(gamma),
                                  cuda::f32(beta), m, c, cuda::f32(y), stream_of(x));
}

void batch_norm_backward_sums_cuda(const Tensor& x, const Tensor& dy, const Tensor& statistics, const Tensor& sums) {
  const int64_t c = x.size(-1), m = batch_norm_rows(x);
  cuda::DeviceBuffer scratch(x.device().index, sizeof(double) * kernels::cuda::batch_norm_scratch(m, c));
  kernels::cuda::batch_norm_backward_sums(cuda::f32(x), cuda::f32(dy), f64(statistics), f64(statistics) + c, m, c,
                                          f64(sums), f64(sums) + c, scratch.as<double>(), stream_of(dy));
}

void batch_norm_backward_cuda(const Tensor& x, const Tensor& dy, const BatchNormSaved& saved, const Tensor& gamma,
                              const Tensor& sums, const Tensor& dx, const Tensor& dgamma, const Tensor& dbeta) {
  const int64_t c = x.size(-1), m = batch_norm_rows(x);
  kernels::cuda::batch_norm_backward(cuda::f32(x), cuda::f32(dy), f64(saved.statistics), f64(saved.statistics) + c,
                                     cuda::f32(gamma), f64(sums), f64(sums) + c, m, c, saved.count, saved.training,
                                     f32_or_null(dx), f32_or_null(dgamma), f32_or_null(dbeta), stream_of(dy));
}

}  // namespace grain
