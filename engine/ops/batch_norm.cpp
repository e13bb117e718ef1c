// defines: batch_norm and its CPU arithmetic (see batch_norm.h)
//
// Channels-last makes the statistics a column reduction over contiguous rows
// of C values. Statistics are accumulated in double whatever the dtype, each
// channel's sum in row order (so the bits are those of a plain serial loop):
// the loops vectorise over C and run in parallel over blocks of channels.
//
// Synchronised batch norm (params.sync) is one protocol, written once in
// batch_norm() around the backends' column sums and the hook's sums: the
// element count, summed; partial mean, summed; partial variance from the
// summed mean, summed; finish. The backward sums dy and dy xhat over the
// processes for dx only (dgamma and dbeta keep this process's sums). The
// hook sums float64 tensors on the op's device (on CUDA, the NCCL all-reduce
// on the same stream, so no host synchronisation).
#include "engine/ops/batch_norm.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <type_traits>
#include <utility>
#include <vector>

#include <omp.h>

#include "engine/autograd.h"
#include "engine/backend.h"
#include "engine/error.h"

namespace grain {

namespace {

// Adds to the per-channel float64 sums acc[k][ch] (K sums per channel) one
// term per row, rows in order: term(r, c0, out, width) adds the K terms of
// row r, channels [c0, c0 + width), to out[k * width + ch - c0]. The channels
// are split into contiguous blocks, one per OpenMP thread when the tensor is
// large, each summed into the thread's own buffer (no cache line shared
// between threads). Every sum runs over the rows in order on one thread, so
// its bits are those of the plain serial loop, whatever the split or the
// thread count.
template <int K, typename Term>
void column_sums(int64_t m, int64_t c, std::array<double*, K> acc, Term term) {
#pragma omp parallel if (m * c > 65536 && c > 1)
  {
    const int64_t blocks = std::min<int64_t>(omp_get_num_threads(), c), t = omp_get_thread_num();
    if (t < blocks) {
      const int64_t c0 = c * t / blocks, width = c * (t + 1) / blocks - c0;
      std::vector<double> local(static_cast<size_t>(K * width));
      for (int k = 0; k < K; ++k)
        for (int64_t ch = 0; ch < width; ++ch) local[k * width + ch] = acc[k][c0 + ch];
      // The narrow blocks of the encoder's layers with the width a constant:
      // the sums then stay in registers from row to row, where a runtime
      // width keeps them in memory (a store and a reload on every row's
      // dependency chain). Same additions in the same order either way.
      const auto rows = [&](auto w) {
        double* __restrict out = local.data();
        if constexpr (std::is_same_v<decltype(w), int64_t>) {
          for (int64_t r = 0; r < m; ++r) term(r, c0, out, w);
        } else {
          double sums[K * w];
          for (int64_t i = 0; i < K * w; ++i) sums[i] = out[i];
          for (int64_t r = 0; r < m; ++r) term(r, c0, sums, w);
          for (int64_t i = 0; i < K * w; ++i) out[i] = sums[i];
        }
      };
      switch (width) {
        case 4: rows(std::integral_constant<int64_t, 4>{}); break;
        case 8: rows(std::integral_constant<int64_t, 8>{}); break;
        case 16: rows(std::integral_constant<int64_t, 16>{}); break;
        default: rows(width);
      }
      for (int k = 0; k < K; ++k)
        for (int64_t ch = 0; ch < width; ++ch) acc[k][c0 + ch] = local[k * width + ch];
    }
  }
}

}  // namespace

void batch_norm_mean_part_cpu(const Tensor& x, double count, const Tensor& mean_part) {
  const int64_t c = x.size(-1), m = batch_norm_rows(x);
  mean_part.zero();
  double* mp = mean_part.data<double>();
  dispatch_floating(x.dtype(), "batch_norm", [&]<typename T>() {
    const T* xp = x.data<T>();
    column_sums<1>(m, c, {mp}, [=](int64_t r, int64_t c0, double* __restrict s, auto width) {
      const T* __restrict row = xp + r * c + c0;
      for (int64_t ch = 0; ch < width; ++ch) s[ch] += row[ch];
    });
  });
  for (int64_t ch = 0; ch < c; ++ch) mp[ch] = mp[ch] / count;
}

void batch_norm_variance_part_cpu(const Tensor& x, const Tensor& mean, double count, const Tensor& var_part) {
  const int64_t c = x.size(-1), m = batch_norm_rows(x);
  var_part.zero();
  double* vp = var_part.data<double>();
  const double* __restrict mu = mean.data<double>();
  dispatch_floating(x.dtype(), "batch_norm", [&]<typename T>() {
    const T* xp = x.data<T>();
    column_sums<1>(m, c, {vp}, [=](int64_t r, int64_t c0, double* __restrict s, auto width) {
      const T* __restrict row = xp + r * c + c0;
      for (int64_t ch = 0; ch < width; ++ch) {
        const double d = row[ch] - mu[c0 + ch];
        s[ch] += d * d;
      }
    });
  });
  for (int64_t ch = 0; ch < c; ++ch) vp[ch] /= count;
}

void batch_norm_finish_statistics_cpu(const Tensor& mean, const Tensor& var, double count, const BatchNormParams& p,
                                      const Tensor& statistics, const Tensor& running_mean,
                                      const Tensor& running_var) {
  const int64_t c = mean.numel();
  const double* mu = mean.data<double>();
  const double* sq = var.data<double>();
  double* out_mean = statistics.data<double>();
  double* inv_std = out_mean + c;
  const bool have_running = running_mean.defined() && running_var.defined();
  dispatch_floating(have_running ? running_mean.dtype() : DType::kFloat64, "batch_norm", [&]<typename T>() {
    for (int64_t ch = 0; ch < c; ++ch) {
      const double v = sq[ch];
      out_mean[ch] = mu[ch];
      inv_std[ch] = 1.0 / std::sqrt(v + p.eps);
      if (have_running) {
        T* rm = running_mean.data<T>();
        T* rv = running_var.data<T>();
        rm[ch] = static_cast<T>((1 - p.momentum) * rm[ch] + p.momentum * mu[ch]);
        rv[ch] = static_cast<T>((1 - p.momentum) * rv[ch] + p.momentum * v * count / (count - 1));
      }
    }
  });
}

void batch_norm_statistics_cpu(const Tensor& x, const BatchNormParams& p, const Tensor& statistics,
                               const Tensor& running_mean, const Tensor& running_var) {
  // The synchronised steps with this process alone.
  const int64_t c = x.size(-1), m = batch_norm_rows(x);
  const double count = static_cast<double>(m);
  const Tensor mean = Tensor::empty({c}, DType::kFloat64), var = Tensor::empty({c}, DType::kFloat64);
  batch_norm_mean_part_cpu(x, count, mean);
  batch_norm_variance_part_cpu(x, mean, count, var);
  batch_norm_finish_statistics_cpu(mean, var, count, p, statistics, running_mean, running_var);
}

void batch_norm_running_statistics_cpu(const Tensor& running_mean, const Tensor& running_var, double eps,
                                       const Tensor& statistics) {
  const int64_t c = running_mean.numel();
  double* mean = statistics.data<double>();
  double* inv_std = mean + c;
  dispatch_floating(running_mean.dtype(), "batch_norm", [&]<typename T>() {
    const T* rm = running_mean.data<T>();
    const T* rv = running_var.data<T>();
    for (int64_t ch = 0; ch < c; ++ch) {
      mean[ch] = rm[ch];
      inv_std[ch] = 1.0 / std::sqrt(static_cast<double>(rv[ch]) + eps);
    }
  });
}

void batch_norm_apply_cpu(const Tensor& x, const Tensor& statistics, const Tensor& gamma, const Tensor& beta,
                          const Tensor& y) {
  const int64_t c = x.size(-1), m = batch_norm_rows(x);
  dispatch_floating(x.dtype(), "batch_norm", [&]<typename T>() {
    const T* xp = x.data<T>();
    const T* __restrict g = gamma.data<T>();
    const T* __restrict b = beta.data<T>();
    const double* __restrict mu = statistics.data<double>();
    const double* __restrict is = mu + c;
    T* __restrict yp = y.data<T>();
#pragma omp parallel for if (x.numel() > 65536)
    for (int64_t r = 0; r < m; ++r)
      for (int64_t ch = 0; ch < c; ++ch)
        yp[r * c + ch] = static_cast<T>(g[ch] * (xp[r * c + ch] - mu[ch]) * is[ch] + b[ch]);
  });
}

void batch_norm_backward_sums_cpu(const Tensor& x, const Tensor& dy, const Tensor& statistics, const Tensor& sums) {
  const int64_t c = x.size(-1), m = batch_norm_rows(x);
  sums.zero();
  double* sum_dy = sums.data<double>();
  double* sum_dy_xhat = sum_dy + c;
  dispatch_floating(dy.dtype(), "batch_norm backward", [&]<typename T>() {
    const T* xp = x.data<T>();
    const T* g = dy.data<T>();
    const double* __restrict mu = statistics.data<double>();
    const double* __restrict is = mu + c;
    column_sums<2>(m, c, {sum_dy, sum_dy_xhat}, [=](int64_t r, int64_t c0, double* __restrict s, auto width) {
      const T* __restrict xr = xp + r * c + c0;
      const T* __restrict gr = g + r * c + c0;
      double* __restrict s_dy = s;
      double* __restrict s_dy_xhat = s + width;
      for (int64_t ch = 0; ch < width; ++ch) {
        const double xhat = (xr[ch] - mu[c0 + ch]) * is[c0 + ch];
        s_dy[ch] += gr[ch];
        s_dy_xhat[ch] += gr[ch] * xhat;
      }
    });
  });
}

void batch_norm_backward_cpu(const Tensor& x, const Tensor& dy, const BatchNormSaved& saved, const Tensor& gamma,
                             const Tensor& sums, const Tensor& dx, const Tensor& dgamma, const Tensor& dbeta) {
  const int64_t c = x.size(-1), m = batch_norm_rows(x);
  const double count = saved.count;
  const double* sum_dy = sums.data<double>();
  const double* sum_dy_xhat = sum_dy + c;
  dispatch_floating(dy.dtype(), "batch_norm backward", [&]<typename T>() {
    if (dgamma.defined())
      for (int64_t ch = 0; ch < c; ++ch) dgamma.data<T>()[ch] = static_cast<T>(sum_dy_xhat[ch]);
    if (dbeta.defined())
      for (int64_t ch = 0; ch < c; ++ch) dbeta.data<T>()[ch] = static_cast<T>(sum_dy[ch]);
    if (!dx.defined()) return;
    const T* xp = x.data<T>();
    const T* g = dy.data<T>();
    const double* __restrict mu = saved.statistics.data<double>();
    const double* __restrict is = mu + c;
    const T* gm = gamma.data<T>();
    T* __restrict d = dx.data<T>();
    // Per channel: scale = gamma inv_std and mean(dy) = sum_dy / count, the
    // values the per-element expression computed; the rest stays per element
    // in its order (xhat sum_dy_xhat / count is not xhat (sum_dy_xhat / count)).
    std::vector<double> scale(c), mean_dy(c);
    for (int64_t ch = 0; ch < c; ++ch) {
      scale[ch] = gm[ch] * is[ch];
      mean_dy[ch] = sum_dy[ch] / count;
    }
    const double* __restrict sc = scale.data();
    const double* __restrict mdy = mean_dy.data();
    const double* __restrict sdx = sum_dy_xhat;
    if (saved.training) {
#pragma omp parallel for if (x.numel() > 65536)
      for (int64_t r = 0; r < m; ++r)
        for (int64_t ch = 0; ch < c; ++ch) {
          const double xhat = (xp[r * c + ch] - mu[ch]) * is[ch];
          d[r * c + ch] = static_cast<T>(sc[ch] * (g[r * c + ch] - mdy[ch] - xhat * sdx[ch] / count));
        }
    } else {
#pragma omp parallel for if (x.numel() > 65536)
      for (int64_t r = 0; r < m; ++r)
        for (int64_t ch = 0; ch < c; ++ch) d[r * c + ch] = static_cast<T>(sc[ch] * g[r * c + ch]);
    }
  });
}

Tensor batch_norm(const Tensor& x, const Tensor& gamma, const Tensor& beta, const Tensor& running_mean,
                  const Tensor& running_var, const BatchNormParams& p) {
  const Device device = common_device("batch_norm", {x, gamma, beta, running_mean, running_var});
  check_same_dtype("batch_norm", {x, gamma, beta, running_mean, running_var});
  GRAIN_CHECK(x.dim() >= 2, "batch_norm: input must be [..., C] with at least 2 dims, got " << x.shape());
  const int64_t c = x.size(-1), m = batch_norm_rows(x);
  for (const Tensor* t : {&gamma, &beta})
    GRAIN_CHECK(t->dim() == 1 && t->size(0) == c, "batch_norm: gamma and beta must be [" << c << "], got "
                                                                                          << t->shape());
  const bool have_running = running_mean.defined() && running_var.defined();
  GRAIN_CHECK(p.training || have_running, "batch_norm: evaluation mode needs running_mean and running_var");
  if (have_running)
    GRAIN_CHECK(running_mean.shape() == Shape{c} && running_var.shape() == Shape{c},
                "batch_norm: running statistics must be [" << c << "]");
  GRAIN_CHECK(!p.training || m > 1, "batch_norm: training needs more than one value per channel, got "
                                        << x.shape());
  check_backend_dtypes("batch_norm", device, {x, gamma, beta, running_mean, running_var});
  // The running statistics are updated only when both are given.
  const Tensor rm = have_running ? running_mean : Tensor(), rv = have_running ? running_var : Tensor();

  CrossProcessSum* const sync = p.training ? p.sync : nullptr;
  BatchNormSaved saved;
  saved.training = p.training;
  saved.statistics = Tensor::empty({2, c}, DType::kFloat64, device);
  saved.count = static_cast<double>(m);
  if (sync) {
    // M over every process; then the statistics of every process's batch.
    Tensor n = Tensor::from_vector({saved.count}, {1}, DType::kFloat64);
    sync->sum(n);
    saved.count = n.item();
    Tensor mean = Tensor::empty({c}, DType::kFloat64, device), var = Tensor::empty({c}, DType::kFloat64, device);
    GRAIN_DISPATCH(device, "batch_norm", batch_norm_mean_part, x, saved.count, mean);
    sync->sum(mean);
    GRAIN_DISPATCH(device, "batch_norm", batch_norm_variance_part, x, mean, saved.count, var);
    sync->sum(var);
    GRAIN_DISPATCH(device, "batch_norm", batch_norm_finish_statistics, mean, var, saved.count, p, saved.statistics,
                   rm, rv);
  } else if (p.training) {
    GRAIN_DISPATCH(device, "batch_norm", batch_norm_statistics, x, p, saved.statistics, rm, rv);
  } else {
    GRAIN_DISPATCH(device, "batch_norm", batch_norm_running_statistics, running_mean, running_var, p.eps,
                   saved.statistics);
  }
  Tensor y = Tensor::empty(x.shape(), x.dtype(), device);
  GRAIN_DISPATCH(device, "batch_norm", batch_norm_apply, x, saved.statistics, gamma, beta, y);

  record("batch_norm", {x, gamma, beta}, y,
         [x, gamma, saved = std::move(saved), sync](const Tensor& dy, const std::vector<bool>& need) {
           const Device on = dy.device();
           Tensor sums = Tensor::empty({2, saved.statistics.size(1)}, DType::kFloat64, on);
           GRAIN_DISPATCH(on, "batch_norm backward", batch_norm_backward_sums, x, dy, saved.statistics, sums);
           Tensor dx, dgamma, dbeta;
           if (need[0]) dx = Tensor::empty(x.shape(), dy.dtype(), on);
           if (need[1]) dgamma = Tensor::empty(gamma.shape(), dy.dtype(), on);
           if (need[2]) dbeta = Tensor::empty(gamma.shape(), dy.dtype(), on);
           if (sync && need[0]) {
             // dgamma, dbeta from this process's sums; dx from the sums over every process.
             GRAIN_DISPATCH(on, "batch_norm backward", batch_norm_backward, x, dy, saved, gamma, sums, Tensor(),
                            dgamma, dbeta);
             sync->sum(sums);
             GRAIN_DISPATCH(on, "batch_norm backward", batch_norm_backward, x, dy, saved, gamma, sums, dx, Tensor(),
                            Tensor());
           } else {
             GRAIN_DISPATCH(on, "batch_norm backward", batch_norm_backward, x, dy, saved, gamma, sums, dx, dgamma,
                            dbeta);
           }
           return std::vector<Tensor>{dx, dgamma, dbeta};
         });
  return y;
}

}  // namespace grain
