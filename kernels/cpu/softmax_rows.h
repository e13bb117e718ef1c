// defines: grain::kernels::log_softmax_row — one row, max-shifted log-sum-exp
#pragma once

#include <cmath>
#include <cstdint>

namespace grain::kernels {

// y = x - max(x) - log(sum(exp(x - max(x)))) over k values; also returns
// the log-sum-exp (max + log sum) so callers can reuse it.
template <typename T>
T log_softmax_row(const T* x, T* y, int64_t k) {
  T max = x[0];
  for (int64_t i = 1; i < k; ++i) max = x[i] > max ? x[i] : max;
  T total = 0;
  for (int64_t i = 0; i < k; ++i) total += std::exp(x[i] - max);
  const T lse = max + std::log(total);
  if (y)
    for (int64_t i = 0; i < k; ++i) y[i] = x[i] - lse;
  return lse;
}

}  // namespace grain::kernels
