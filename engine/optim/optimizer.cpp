// defines: Adam, Sgd, clip_grad_norm, grad_norm (see optimizer.h)
#include "engine/optim/optimizer.h"

#include <cmath>

#include "engine/backend.h"
#include "engine/error.h"
#if GRAIN_WITH_CUDA
#include "engine/cuda/flat_optim.h"
#endif

namespace grain {

namespace {
// True when the store lives on a CUDA device (the CUDA halves are in
// engine/cuda/flat_optim.h, with the same arithmetic in the same order).
bool on_cuda(const ParameterStore& store, const char* op) {
  GRAIN_CHECK(store.materialized(), op << ": the parameter store is not materialized");
  if (!store.values().device().is_cuda()) return false;
#if !GRAIN_WITH_CUDA
  throw_not_implemented_on_cuda(op);
#endif
  return true;
}
}  // namespace

Adam::Adam(ParameterStore& store, const AdamOptions& options) : Optimizer(store, options.lr), options_(options) {
  GRAIN_CHECK(store.materialized(), "adam: the parameter store is not materialized");
  m_ = Tensor::zeros({store.size()}, store.dtype(), store.values().device());
  v_ = Tensor::zeros({store.size()}, store.dtype(), store.values().device());
}

void Adam::step() {
  const bool cuda = on_cuda(store_, "adam");
  ++steps_;
#if GRAIN_WITH_CUDA
  if (cuda)
    return cuda::adam_step(store_.values(), store_.gradients(), m_, v_, store_.trainable_ranges(), lr_,
                           options_.beta1, options_.beta2, options_.eps, options_.weight_decay, steps_);
#endif
  (void)cuda;
  const double b1 = options_.beta1, b2 = options_.beta2, wd = options_.weight_decay;
  const double step_size = lr_ / (1.0 - std::pow(b1, static_cast<double>(steps_)));
  const double bias2_sqrt = std::sqrt(1.0 - std::pow(b2, static_cast<double>(steps_)));
  dispatch_floating(store_.dtype(), "adam", [&]<typename T>() {
    T* p = store_.values().data<T>();
    const T* g = store_.gradients().data<T>();
    T* m = m_.data<T>();
    T* v = v_.data<T>();
    for (const auto& [offset, count] : store_.trainable_ranges()) {
      for (int64_t i = offset; i < offset + count; ++i) {
        const T grad = g[i] + static_cast<T>(wd) * p[i];
        m[i] = static_cast<T>(b1) * m[i] + static_cast<T>(1 - b1) * grad;
        v[i] = static_cast<T>(b2) * v[i] + static_cast<T>(1 - b2) * grad * grad;
        const T denom = std::sqrt(v[i]) / static_cast<T>(bias2_sqrt) + static_cast<T>(options_.eps);
        p[i] -= static_cast<T>(step_size) * m[i] / denom;
      }
    }
  });
}

Sgd::Sgd(ParameterStore& store, const SgdOptions& options) : Optimizer(store, options.lr), options_(options) {
  GRAIN_CHECK(store.materialized(), "sgd: the parameter store is not materialized");
  buf_ = Tensor::zeros({store.size()}, store.dtype(), store.values().device());
}

void Sgd::step() {
  const bool cuda = on_cuda(store_, "sgd");
  const bool first = steps_ == 0;
  ++steps_;
#if GRAIN_WITH_CUDA
  if (cuda)
    return cuda::sgd_step(store_.values(), store_.gradients(), buf_, store_.trainable_ranges(), lr_,
                          options_.momentum, options_.weight_decay, first);
#endif
  (void)cuda;
  dispatch_floating(store_.dtype(), "sgd", [&]<typename T>() {
    T* p = store_.values().data<T>();
    const T* g = store_.gradients().data<T>();
    T* buf = buf_.data<T>();
    const T mu = static_cast<T>(options_.momentum), wd = static_cast<T>(options_.weight_decay);
    for (const auto& [offset, count] : store_.trainable_ranges()) {
      for (int64_t i = offset; i < offset + count; ++i) {
        const T grad = g[i] + wd * p[i];
        buf[i] = (first || mu == T(0)) ? grad : mu * buf[i] + grad;
        p[i] -= static_cast<T>(lr_) * buf[i];
      }
    }
  });
}

double grad_norm(const ParameterStore& store) {
#if GRAIN_WITH_CUDA
  if (on_cuda(store, "grad_norm")) return cuda::grad_norm(store.gradients(), store.trainable_ranges());
#else
  on_cuda(store, "grad_norm");
#endif
  double total = 0;
  dispatch_floating(store.dtype(), "grad_norm", [&]<typename T>() {
    const T* g = store.gradients().data<T>();
    for (const auto& [offset, count] : store.trainable_ranges())
      for (int64_t i = offset; i < offset + count; ++i) total += static_cast<double>(g[i]) * g[i];
  });
  return std::sqrt(total);
}

double clip_grad_norm(ParameterStore& store, double max_norm) {
  GRAIN_CHECK(max_norm > 0, "clip_grad_norm: max_norm must be > 0, got " << max_norm);
  const double norm = grad_norm(store);
  const double factor = max_norm / (norm + 1e-6);
  if (factor >= 1.0 || !std::isfinite(norm)) return norm;
#if GRAIN_WITH_CUDA
  if (on_cuda(store, "clip_grad_norm")) {
    cuda::scale_ranges(store.gradients(), store.trainable_ranges(), factor);
    return norm;
  }
#endif
  dispatch_floating(store.dtype(), "clip_grad_norm", [&]<typename T>() {
    T* g = store.gradients().data<T>();
    for (const auto& [offset, count] : store.trainable_ranges())
      for (int64_t i = offset; i < offset + count; ++i) g[i] *= static_cast<T>(factor);
  });
  return norm;
}

}  // namespace grain
