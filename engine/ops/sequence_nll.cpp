// defines: sequence_nll (see sequence_nll.h)
#include "engine/ops/sequence_nll.h"

#include <cmath>

#include "engine/autograd.h"
#include "engine/backend.h"
#include "engine/error.h"
#include "kernels/cpu/softmax_rows.h"

namespace grain {

Tensor sequence_nll(const Tensor& logits, const Tensor& targets, const Tensor& mask) {
  const Device device = common_device("sequence_nll", {logits, targets, mask});
  GRAIN_CHECK(logits.dim() == 3, "sequence_nll: logits must be [N, L, V], got " << logits.shape());
  const int64_t n = logits.size(0), l = logits.size(1), v = logits.size(2);
  GRAIN_CHECK(targets.dtype() == DType::kInt64 && targets.shape() == (Shape{n, l}),
              "sequence_nll: targets must be int64 [" << n << "," << l << "], got " << dtype_name(targets.dtype())
                                                      << " " << targets.shape());
  GRAIN_CHECK(mask.dtype() == logits.dtype() && mask.shape() == (Shape{n, l}),
              "sequence_nll: mask must be " << dtype_name(logits.dtype()) << " [" << n << "," << l << "], got "
                                            << dtype_name(mask.dtype()) << " " << mask.shape());
  GRAIN_CUDA_DISPATCH(device, "sequence_nll", sequence_nll_cuda(logits, targets, mask));
  const int64_t* t = targets.data<int64_t>();
  for (int64_t i = 0; i < n * l; ++i)
    GRAIN_CHECK(t[i] >= 0 && t[i] < v, "sequence_nll: target " << t[i] << " at (" << i / l << "," << i % l
                                                               << ") is outside the vocabulary [0, " << v << ")");
  Tensor loss = Tensor::empty({}, logits.dtype(), device);
  dispatch_floating(logits.dtype(), "sequence_nll", [&]<typename T>() {
    const T* x = logits.data<T>();
    const T* m = mask.data<T>();
    double total = 0;
    for (int64_t i = 0; i < n * l; ++i)
      if (m[i] != T(0)) total += m[i] * (kernels::log_softmax_row<T>(x + i * v, nullptr, v) - x[i * v + t[i]]);
    loss.data<T>()[0] = static_cast<T>(total / std::max<int64_t>(n, 1));
  });
  record("sequence_nll", {logits, targets, mask}, loss,
         [logits, targets, mask, n, l, v](const Tensor& dy, const std::vector<bool>&) {
           Tensor dx = Tensor::empty(logits.shape(), logits.dtype(), logits.device());
           dispatch_floating(dy.dtype(), "sequence_nll backward", [&]<typename T>() {
             const T* x = logits.data<T>();
             const T* m = mask.data<T>();
             const int64_t* t = targets.data<int64_t>();
             T* d = dx.data<T>();
             const T g = dy.data<T>()[0] / static_cast<T>(std::max<int64_t>(n, 1));
#pragma omp parallel for if (n * l * v > 32768)
             for (int64_t i = 0; i < n * l; ++i) {
               const T w = g * m[i];
               if (w == T(0)) {
                 for (int64_t j = 0; j < v; ++j) d[i * v + j] = 0;
                 continue;
               }
               const T lse = kernels::log_softmax_row<T>(x + i * v, nullptr, v);
               for (int64_t j = 0; j < v; ++j)
                 d[i * v + j] = w * (std::exp(x[i * v + j] - lse) - (j == t[i] ? T(1) : T(0)));
             }
           });
           return std::vector<Tensor>{dx, Tensor(), Tensor()};
         });
  return loss;
}

}  // namespace grain
