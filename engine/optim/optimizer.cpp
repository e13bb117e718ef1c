// defines: Adam, Sgd, clip_grad_norm, grad_norm (see optimizer.h)
#include "engine/optim/optimizer.h"

#include <cmath>

#include "engine/backend.h"
#include "engine/error.h"

namespace grain {

namespace {
// The device of the store's flat buffers (the backend an update runs on).
Device store_device(const ParameterStore& store, const char* op) {
  GRAIN_CHECK(store.materialized(), op << ": the parameter store is not materialized");
  return store.values().device();
}

// g *= factor over the trainable ranges.
void scale_gradients(ParameterStore& store, double factor) {
  GRAIN_CUDA_DISPATCH(store_device(store, "clip_grad_norm"), "clip_grad_norm",
                      scale_ranges_cuda(store.gradients(), store.trainable_ranges(), factor));
  dispatch_floating(store.dtype(), "clip_grad_norm", [&]<typename T>() {
    T* g = store.gradients().data<T>();
    for (const auto& [offset, count] : store.trainable_ranges())
      for (int64_t i = offset; i < offset + count; ++i) g[i] *= static_cast<T>(factor);
  });
}
}  // namespace

Adam::Adam(ParameterStore& store, const AdamOptions& options) : Optimizer(store, options.lr), options_(options) {
  GRAIN_CHECK(store.materialized(), "adam: the parameter store is not materialized");
  m_ = Tensor::zeros({store.size()}, store.dtype(), store.values().device());
  v_ = Tensor::zeros({store.size()}, store.dtype(), store.values().device());
}

void Adam::step() {
  const Device device = store_device(store_, "adam");
  ++steps_;
  GRAIN_CUDA_DISPATCH(device, "adam",
                      adam_step_cuda(store_.values(), store_.gradients(), m_, v_, store_.trainable_ranges(), lr_,
                                     options_.beta1, options_.beta2, options_.eps, options_.weight_decay, steps_));
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
  const Device device = store_device(store_, "sgd");
  const bool first = steps_ == 0;
  ++steps_;
  GRAIN_CUDA_DISPATCH(device, "sgd",
                      sgd_step_cuda(store_.values(), store_.gradients(), buf_, store_.trainable_ranges(), lr_,
                                    options_.momentum, options_.weight_decay, first));
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
  GRAIN_CUDA_DISPATCH(store_device(store, "grad_norm"), "grad_norm",
                      grad_norm_cuda(store.gradients(), store.trainable_ranges()));
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
  scale_gradients(store, factor);
  return norm;
}

}  // namespace grain
