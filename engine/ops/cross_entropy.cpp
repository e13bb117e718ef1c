// defines: cross_entropy, cross_entropy_forward_cpu, cross_entropy_backward_cpu (see cross_entropy.h)
#include "engine/ops/cross_entropy.h"

#include <cmath>
#include <utility>

#include "engine/autograd.h"
#include "engine/backend.h"
#include "engine/error.h"
#include "kernels/cpu/softmax_rows.h"

namespace grain {

void cross_entropy_forward_cpu(const Tensor& logits, const Tensor& targets, const Tensor& loss, CrossEntropySaved&) {
  const int64_t n = logits.size(0), k = logits.size(1);
  const int64_t* t = targets.data<int64_t>();
  dispatch_floating(logits.dtype(), "cross_entropy", [&]<typename T>() {
    const T* x = logits.data<T>();
    double total = 0;
    for (int64_t i = 0; i < n; ++i) total += kernels::log_softmax_row<T>(x + i * k, nullptr, k) - x[i * k + t[i]];
    loss.data<T>()[0] = static_cast<T>(total / std::max<int64_t>(n, 1));
  });
}

void cross_entropy_backward_cpu(const Tensor& logits, const Tensor& targets, const CrossEntropySaved&,
                                const Tensor& dy, const Tensor& dlogits) {
  const int64_t n = logits.size(0), k = logits.size(1);
  dispatch_floating(dy.dtype(), "cross_entropy backward", [&]<typename T>() {
    const T* x = logits.data<T>();
    const int64_t* t = targets.data<int64_t>();
    T* d = dlogits.data<T>();
    const T g = dy.data<T>()[0] / static_cast<T>(std::max<int64_t>(n, 1));
    for (int64_t i = 0; i < n; ++i) {
      const T lse = kernels::log_softmax_row<T>(x + i * k, nullptr, k);
      for (int64_t j = 0; j < k; ++j) d[i * k + j] = g * (std::exp(x[i * k + j] - lse) - (j == t[i] ? T(1) : T(0)));
    }
  });
}

Tensor cross_entropy(const Tensor& logits, const Tensor& targets) {
  const Device device = common_device("cross_entropy", {logits, targets});
  GRAIN_CHECK(logits.dim() == 2, "cross_entropy: logits must be [N, K], got " << logits.shape());
  GRAIN_CHECK(targets.dtype() == DType::kInt64 && targets.shape() == Shape{logits.size(0)},
              "cross_entropy: targets must be int64 [" << logits.size(0) << "], got " << dtype_name(targets.dtype())
                                                       << " " << targets.shape());
  check_backend_dtypes("cross_entropy", device, {logits});
  // A target outside [0, K) would index out of bounds: checked on the host
  // (a copy for a device tensor; N values).
  const int64_t n = logits.size(0), k = logits.size(1);
  const Tensor host_targets = targets.to(Device::cpu());
  const int64_t* t = host_targets.data<int64_t>();
  for (int64_t i = 0; i < n; ++i)
    GRAIN_CHECK(t[i] >= 0 && t[i] < k, "cross_entropy: target " << t[i] << " of sample " << i
                                                                << " is outside [0, " << k << ")");
  Tensor loss = Tensor::empty({}, logits.dtype(), device);
  CrossEntropySaved saved;
  GRAIN_DISPATCH(device, "cross_entropy", cross_entropy_forward, logits, targets, loss, saved);
  record("cross_entropy", {logits, targets}, loss,
         [logits, targets, saved = std::move(saved)](const Tensor& dy, const std::vector<bool>&) {
           Tensor dlogits = Tensor::empty(logits.shape(), logits.dtype(), logits.device());
           GRAIN_DISPATCH(dy.device(), "cross_entropy backward", cross_entropy_backward, logits, targets, saved, dy,
                          dlogits);
           return std::vector<Tensor>{dlogits, Tensor()};
         });
  return loss;
}

}  // namespace grain
