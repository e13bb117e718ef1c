// defines: sequence_nll, sequence_nll_forward_cpu, sequence_nll_backward_cpu (see sequence_nll.h)
#include "engine/ops/sequence_nll.h"

#include <cmath>
#include <utility>

#include "engine/autograd.h"
#include "engine/backend.h"
#include "engine/error.h"
#include "kernels/cpu/softmax_rows.h"

namespace grain {

void sequence_nll_forward_cpu(const Tensor& logits, const Tensor& targets, const Tensor& mask, const Tensor& loss,
                              SequenceNllSaved&) {
  const int64_t n = logits.size(0), l = logits.size(1), v = logits.size(2);
  const int64_t* t = targets.data<int64_t>();
  dispatch_floating(logits.dtype(), "sequence_nll", [&]<typename T>() {
    const T* x = logits.data<T>();
    const T* m = mask.data<T>();
    double total = 0;
    for (int64_t i = 0; i < n * l; ++i)
      if (m[i] != T(0)) total += m[i] * (kernels::log_softmax_row<T>(x + i * v, nullptr, v) - x[i * v + t[i]]);
    loss.data<T>()[0] = static_cast<T>(total / std::max<int64_t>(n, 1));
  });
}

void sequence_nll_backward_cpu(const Tensor& logits, const Tensor& targets, const Tensor& mask,
                               const SequenceNllSaved&, const Tensor& dy, const Tensor& dlogits) {
  const int64_t n = logits.size(0), l = logits.size(1), v = logits.size(2);
  dispatch_floating(dy.dtype(), "sequence_nll backward", [&]<typename T>() {
    const T* x = logits.data<T>();
    const T* m = mask.data<T>();
    const int64_t* t = targets.data<int64_t>();
    T* d = dlogits.data<T>();
    const T g = dy.data<T>()[0] / static_cast<T>(std::max<int64_t>(n, 1));
#pragma omp parallel for if (n * l * v > 32768)
    for (int64_t i = 0; i < n * l; ++i) {
      const T w = g * m[i];
      if (w == T(0)) {
        for (int64_t j = 0; j < v; ++j) d[i * v + j] = 0;
        continue;
      }
      const T lse = kernels::log_softmax_row<T>(x + i * v, nullptr, v);
      for (int64_t j = 0; j < v; ++j) d[i * v + j] = w * (std::exp(x[i * v + j] - lse) - (j == t[i] ? T(1) : T(0)));
    }
  });
}

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
  check_backend_dtypes("sequence_nll", device, {logits, mask});
  // A target outside the vocabulary would index out of bounds: checked on
  // the host (a copy for a device tensor; N L values).
  const Tensor host_targets = targets.to(Device::cpu());
  const int64_t* t = host_targets.data<int64_t>();
  for (int64_t i = 0; i < n * l; ++i)
    GRAIN_CHECK(t[i] >= 0 && t[i] < v, "sequence_nll: target " << t[i] << " at (" << i / l << "," << i % l
                                                               << ") is outside the vocabulary [0, " << v << ")");
  Tensor loss = Tensor::empty({}, logits.dtype(), device);
  SequenceNllSaved saved;
  GRAIN_DISPATCH(device, "sequence_nll", sequence_nll_forward, logits, targets, mask, loss, saved);
  record("sequence_nll", {logits, targets, mask}, loss,
         [logits, targets, mask, saved = std::move(saved)](const Tensor& dy, const std::vector<bool>&) {
           Tensor dlogits = Tensor::empty(logits.shape(), logits.dtype(), logits.device());
           GRAIN_DISPATCH(dy.device(), "sequence_nll backward", sequence_nll_backward, logits, targets, mask, saved,
                          dy, dlogits);
           return std::vector<Tensor>{dlogits, Tensor(), Tensor()};
         });
  return loss;
}

}  // namespace grain
