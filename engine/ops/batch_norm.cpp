// defines: batch_norm (see batch_norm.h)
//
// Channels-last makes the statistics a column reduction over contiguous rows
// of C values. Statistics are accumulated in double whatever the dtype, each
// channel's sum in row order (so the bits are those of a plain serial loop):
// the loops vectorise over C and run in parallel over blocks of channels.
#include "engine/ops/batch_norm.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <type_traits>
#include <vector>

#include <omp.h>

#include "engine/autograd.h"
#include "engine/backend.h"
#include "engine/error.h"

namespace grain {

namespace {

// The sum over processes of a vector of doubles (a CPU float64 tensor).
std::vector<double> cross_process_sum(CrossProcessSum& sync, const std::vector<double>& values) {
  Tensor t = Tensor::from_vector(values, {static_cast<int64_t>(values.size())}, DType::kFloat64);
  sync.sum(t);
  return t.to_vector();
}

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

Tensor batch_norm(const Tensor& x, const Tensor& gamma, const Tensor& beta, const Tensor& running_mean,
                  const Tensor& running_var, const BatchNormParams& p) {
  const Device device = common_device("batch_norm", {x, gamma, beta, running_mean, running_var});
  check_same_dtype("batch_norm", {x, gamma, beta, running_mean, running_var});
  GRAIN_CHECK(x.dim() >= 2, "batch_norm: input must be [..., C] with at least 2 dims, got " << x.shape());
  const int64_t c = x.size(-1), m = x.numel() / std::max<int64_t>(c, 1);
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
  GRAIN_CUDA_DISPATCH(device, "batch_norm", batch_norm_cuda(x, gamma, beta, running_mean, running_var, p));

  CrossProcessSum* const sync = p.training ? p.sync : nullptr;
  // M: the values per channel over every process (sync), else here.
  const double count = sync ? cross_process_sum(*sync, {static_cast<double>(m)})[0] : static_cast<double>(m);
  Tensor y = Tensor::empty(x.shape(), x.dtype(), device);
  auto mean = std::make_shared<std::vector<double>>(c), inv_std = std::make_shared<std::vector<double>>(c);
  dispatch_floating(x.dtype(), "batch_norm", [&]<typename T>() {
    const T* xp = x.data<T>();
    if (p.training) {
      // Two passes (mean, then squared deviations from it); with sync each
      // process adds its part of sum / M, so the parts sum to the statistic.
      std::vector<double> sum(c, 0.0), sq(c, 0.0);
      column_sums<1>(m, c, {sum.data()}, [=](int64_t r, int64_t c0, double* __restrict s, auto width) {
        const T* __restrict row = xp + r * c + c0;
        for (int64_t ch = 0; ch < width; ++ch) s[ch] += row[ch];
      });
      for (int64_t ch = 0; ch < c; ++ch) (*mean)[ch] = sum[ch] / count;
      if (sync) *mean = cross_process_sum(*sync, *mean);
      const double* __restrict mu = mean->data();
      column_sums<1>(m, c, {sq.data()}, [=](int64_t r, int64_t c0, double* __restrict s, auto width) {
        const T* __restrict row = xp + r * c + c0;
        for (int64_t ch = 0; ch < width; ++ch) {
          const double d = row[ch] - mu[c0 + ch];
          s[ch] += d * d;
        }
      });
      for (int64_t ch = 0; ch < c; ++ch) sq[ch] /= count;
      if (sync) sq = cross_process_sum(*sync, sq);
      for (int64_t ch = 0; ch < c; ++ch) {
        const double var = sq[ch];
        (*inv_std)[ch] = 1.0 / std::sqrt(var + p.eps);
        if (have_running) {
          T* rm = running_mean.data<T>();
          T* rv = running_var.data<T>();
          rm[ch] = static_cast<T>((1 - p.momentum) * rm[ch] + p.momentum * (*mean)[ch]);
          rv[ch] = static_cast<T>((1 - p.momentum) * rv[ch] + p.momentum * var * count / (count - 1));
        }
      }
    } else {
      const T* rm = running_mean.data<T>();
      const T* rv = running_var.data<T>();
      for (int64_t ch = 0; ch < c; ++ch) {
        (*mean)[ch] = rm[ch];
        (*inv_std)[ch] = 1.0 / std::sqrt(static_cast<double>(rv[ch]) + p.eps);
      }
    }
    const T* __restrict g = gamma.data<T>();
    const T* __restrict b = beta.data<T>();
    const double* __restrict mu = mean->data();
    const double* __restrict is = inv_std->data();
    T* __restrict yp = y.data<T>();
#pragma omp parallel for if (x.numel() > 65536)
    for (int64_t r = 0; r < m; ++r)
      for (int64_t ch = 0; ch < c; ++ch)
        yp[r * c + ch] = static_cast<T>(g[ch] * (xp[r * c + ch] - mu[ch]) * is[ch] + b[ch]);
  });

  record("batch_norm", {x, gamma, beta}, y,
         [x, gamma, mean, inv_std, m, c, count, sync, training = p.training](const Tensor& dy,
                                                                             const std::vector<bool>& need) {
           Tensor dx, dgamma, dbeta;
           dispatch_floating(dy.dtype(), "batch_norm backward", [&]<typename T>() {
             const T* xp = x.data<T>();
             const T* g = dy.data<T>();
             std::vector<double> sum_dy(c, 0.0), sum_dy_xhat(c, 0.0);
             const double* __restrict mu = mean->data();
             const double* __restrict is = inv_std->data();
             column_sums<2>(m, c, {sum_dy.data(), sum_dy_xhat.data()},
                            [=](int64_t r, int64_t c0, double* __restrict s, auto width) {
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
             if (need[1]) {
               dgamma = Tensor::empty({c}, dy.dtype(), dy.device());
               for (int64_t ch = 0; ch < c; ++ch) dgamma.data<T>()[ch] = static_cast<T>(sum_dy_xhat[ch]);
             }
             if (need[2]) {
               dbeta = Tensor::empty({c}, dy.dtype(), dy.device());
               for (int64_t ch = 0; ch < c; ++ch) dbeta.data<T>()[ch] = static_cast<T>(sum_dy[ch]);
             }
             if (need[0]) {
               // dx needs the sums over every process's batch (dgamma, dbeta above keep this process's).
               if (sync && training) {
                 std::vector<double> both(sum_dy);
                 both.insert(both.end(), sum_dy_xhat.begin(), sum_dy_xhat.end());
                 both = cross_process_sum(*sync, both);
                 std::copy(both.begin(), both.begin() + c, sum_dy.begin());
                 std::copy(both.begin() + c, both.end(), sum_dy_xhat.begin());
               }
               dx = Tensor::empty(x.shape(), dy.dtype(), dy.device());
               const T* gm = gamma.data<T>();
               T* __restrict d = dx.data<T>();
               // Per channel: scale = gamma inv_std and mean(dy) = sum_dy / count, the
               // values the per-element expression computed; the rest stays per element
               // in its order (xhat sum_dy_xhat / count is not xhat (sum_dy_xhat / count)).
               std::vector<double> scale(c), mean_dy(c);
               for (int64_t ch = 0; ch < c; ++ch) {
                 scale[ch] = gm[ch] * (*inv_std)[ch];
                 mean_dy[ch] = sum_dy[ch] / count;
               }
               const double* __restrict sc = scale.data();
               const double* __restrict mdy = mean_dy.data();
               const double* __restrict sdx = sum_dy_xhat.data();
               if (training) {
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
             }
           });
           return std::vector<Tensor>{dx, dgamma, dbeta};
         });
  return y;
}

}  // namespace grain
